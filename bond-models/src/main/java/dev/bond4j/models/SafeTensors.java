package dev.bond4j.models;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.bond4j.BondException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file: named tensors plus string metadata. The format is an 8-byte little-endian
 * header length {@code N}, {@code N} bytes of JSON mapping each name to {@code dtype}, {@code
 * shape} and {@code data_offsets} (relative to the data section, optionally with a {@code
 * __metadata__} map of strings), then the raw little-endian data.
 *
 * <p>The reader is strict, since a checkpoint that is silently misread trains the wrong model:
 * a header longer than the file, JSON that is malformed or has duplicate keys, an unknown dtype, a
 * negative dimension, offsets that are out of range, overlap or leave gaps, a byte count that does
 * not match the shape, and truncated data each raise a {@link BondException} that names the file
 * and the problem.
 */
public final class SafeTensors {
  private static final String METADATA = "__metadata__";
  /** Headers beyond this size are rejected before any allocation (the reference limit is 100 MB). */
  private static final long MAX_HEADER = 100L << 20;

  private final Map<String, SafeTensor> tensors;
  private final Map<String, String> metadata;

  /**
   * Tensors and metadata to write or just read.
   *
   * @param tensors the tensors by name, in file order
   * @param metadata free-form string metadata
   */
  public SafeTensors(Map<String, SafeTensor> tensors, Map<String, String> metadata) {
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** The tensors by name, in file order. */
  public Map<String, SafeTensor> tensors() {
    return tensors;
  }

  /** The {@code __metadata__} map; empty when the file has none. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * Reads and validates a whole file.
   *
   * @throws BondException when the file cannot be read or is malformed
   */
  public static SafeTensors read(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < 8) {
        throw malformed(file, "the file has " + size + " bytes, fewer than the 8-byte header length");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lengthBytes, 0);
      long headerLength = lengthBytes.flip().getLong();
      if (headerLength < 2 || headerLength > size - 8 || headerLength > MAX_HEADER) {
        throw malformed(file, "the header length " + Long.toUnsignedString(headerLength)
            + " does not fit the file of " + size + " bytes");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      readFully(channel, headerBytes, 8);
      String header = new String(headerBytes.array(), StandardCharsets.UTF_8);
      long dataStart = 8 + headerLength;
      List<Entry> entries = new ArrayList<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      parseHeader(file, header, entries, metadata);
      validateLayout(file, entries, size - dataStart);
      Map<String, SafeTensor> tensors = new LinkedHashMap<>();
      for (Entry entry : entries) {
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(entry.end - entry.begin));
        readFully(channel, data, dataStart + entry.begin);
        tensors.put(entry.name, new SafeTensor(entry.dtype, entry.shape, data.array()));
      }
      return new SafeTensors(tensors, metadata);
    } catch (IOException e) {
      throw new BondException("Cannot read the safetensors file " + file + ": " + e, e);
    }
  }

  /**
   * Writes the file atomically: to a temporary file in the same folder, then renamed over {@code
   * file}, so a crash leaves either the old file or the new one.
   */
  public void write(Path file) {
    try {
      Path folder = file.toAbsolutePath().getParent();
      Files.createDirectories(folder);
      byte[] header = headerJson().getBytes(StandardCharsets.UTF_8);
      int padding = (8 - header.length % 8) % 8;
      Path temporary = Files.createTempFile(folder, file.getFileName().toString(), ".tmp");
      try (OutputStream out = Files.newOutputStream(temporary)) {
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        length.putLong(header.length + padding);
        out.write(length.array());
        out.write(header);
        out.write(" ".repeat(padding).getBytes(StandardCharsets.US_ASCII));
        for (SafeTensor tensor : tensors.values()) {
          out.write(tensor.data());
        }
      }
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BondException("Cannot write the safetensors file " + file + ": " + e, e);
    }
  }

  private String headerJson() throws IOException {
    StringWriter text = new StringWriter();
    try (JsonWriter json = new JsonWriter(text)) {
      json.beginObject();
      if (!metadata.isEmpty()) {
        json.name(METADATA).beginObject();
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
          json.name(entry.getKey()).value(entry.getValue());
        }
        json.endObject();
      }
      long offset = 0;
      for (Map.Entry<String, SafeTensor> entry : tensors.entrySet()) {
        SafeTensor tensor = entry.getValue();
        json.name(entry.getKey()).beginObject().name("dtype").value(tensor.dtype());
        json.name("shape").beginArray();
        for (long dim : tensor.shape()) {
          json.value(dim);
        }
        json.endArray();
        long end = offset + tensor.data().length;
        json.name("data_offsets").beginArray().value(offset).value(end).endArray();
        json.endObject();
        offset = end;
      }
      json.endObject();
    }
    return text.toString();
  }

  private record Entry(String name, String dtype, long[] shape, long begin, long end) {}

  private static void parseHeader(Path file, String header, List<Entry> entries,
      Map<String, String> metadata) {
    try (JsonReader json = new JsonReader(new StringReader(header))) {
      json.beginObject();
      java.util.Set<String> seen = new java.util.HashSet<>();
      while (json.hasNext()) {
        String name = json.nextName();
        if (!seen.add(name)) {
          throw malformed(file, "the header names \"" + name + "\" twice");
        }
        if (name.equals(METADATA)) {
          json.beginObject();
          while (json.hasNext()) {
            String key = json.nextName();
            if (json.peek() != JsonToken.STRING) {
              throw malformed(file, "metadata value of \"" + key + "\" is not a string");
            }
            metadata.put(key, json.nextString());
          }
          json.endObject();
        } else {
          entries.add(parseEntry(file, name, json));
        }
      }
      json.endObject();
      if (json.peek() != JsonToken.END_DOCUMENT) {
        throw malformed(file, "the header has content after its JSON object");
      }
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw malformed(file, "the header is not valid JSON of the safetensors form (" + e.getMessage()
          + ")");
    }
  }

  private static Entry parseEntry(Path file, String name, JsonReader json) throws IOException {
    String dtype = null;
    long[] shape = null;
    long[] offsets = null;
    json.beginObject();
    while (json.hasNext()) {
      String key = json.nextName();
      switch (key) {
        case "dtype" -> dtype = json.nextString();
        case "shape" -> shape = readLongs(json);
        case "data_offsets" -> offsets = readLongs(json);
        default -> throw malformed(file, "tensor \"" + name + "\" has an unknown field \"" + key
            + "\"");
      }
    }
    json.endObject();
    if (dtype == null || shape == null || offsets == null) {
      throw malformed(file, "tensor \"" + name + "\" lacks dtype, shape or data_offsets");
    }
    int size = SafeTensor.dtypeSize(dtype);
    if (size < 0) {
      throw malformed(file, "tensor \"" + name + "\" has the unknown dtype \"" + dtype + "\"");
    }
    if (offsets.length != 2 || offsets[0] < 0 || offsets[1] < offsets[0]) {
      throw malformed(file, "tensor \"" + name + "\" has data_offsets "
          + java.util.Arrays.toString(offsets) + ", expected [begin, end] with 0 <= begin <= end");
    }
    long count;
    try {
      for (long dim : shape) {
        if (dim < 0) {
          throw malformed(file, "tensor \"" + name + "\" has a negative dimension in shape "
              + java.util.Arrays.toString(shape));
        }
      }
      count = Math.multiplyExact(SafeTensor.elementCount(shape), size);
    } catch (ArithmeticException e) {
      throw malformed(file, "tensor \"" + name + "\" has a shape too large to address");
    }
    if (offsets[1] - offsets[0] != count) {
      throw malformed(file, "tensor \"" + name + "\" of dtype " + dtype + " and shape "
          + java.util.Arrays.toString(shape) + " needs " + count + " bytes but its data_offsets "
          + "span " + (offsets[1] - offsets[0]));
    }
    return new Entry(name, dtype, shape, offsets[0], offsets[1]);
  }

  private static long[] readLongs(JsonReader json) throws IOException {
    List<Long> values = new ArrayList<>();
    json.beginArray();
    while (json.hasNext()) {
      values.add(json.nextLong());
    }
    json.endArray();
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  private static void validateLayout(Path file, List<Entry> entries, long dataLength) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long expected = 0;
    for (Entry entry : sorted) {
      if (entry.begin < expected) {
        throw malformed(file, "tensor \"" + entry.name + "\" overlaps the previous tensor's data");
      }
      if (entry.begin > expected) {
        throw malformed(file, "the data section has a gap before tensor \"" + entry.name + "\"");
      }
      expected = entry.end;
    }
    if (expected > dataLength) {
      throw malformed(file, "the data is truncated: the tensors need " + expected
          + " bytes but the file holds " + dataLength);
    }
    if (expected < dataLength) {
      throw malformed(file, "the file has " + (dataLength - expected)
          + " bytes after the last tensor's data");
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, at);
      if (read < 0) {
        throw new IOException("unexpected end of file at byte " + at);
      }
      at += read;
    }
  }

  private static BondException malformed(Path file, String problem) {
    return new BondException("Malformed safetensors file " + file + ": " + problem);
  }
}
