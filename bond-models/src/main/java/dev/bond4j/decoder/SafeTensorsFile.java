package dev.bond4j.decoder;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.bond4j.BondException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An open safetensors file whose header is parsed and validated (see {@link SafeTensors} for the
 * format and what is refused) and whose tensors are read on demand, in parts if need be: loading a
 * large checkpoint then never holds more than one tensor's bytes besides the model. Not
 * thread-safe. Close it.
 */
public final class SafeTensorsFile implements AutoCloseable {
  private static final String METADATA = "__metadata__";
  /** Headers beyond this size are rejected before any allocation (the reference limit is 100 MB). */
  private static final long MAX_HEADER = 100L << 20;

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, Entry> entries;
  private final Map<String, String> metadata;
  /** Reused by {@link #read(String, long, float[], int)}, so loading makes no garbage. */
  private ByteBuffer readBuffer = ByteBuffer.allocate(0);

  private SafeTensorsFile(Path file, FileChannel channel, long dataStart,
      Map<String, Entry> entries, Map<String, String> metadata) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.entries = entries;
    this.metadata = Collections.unmodifiableMap(metadata);
  }

  /**
   * Opens a file and validates its header and layout.
   *
   * @throws BondException when the file cannot be read or is malformed
   */
  public static SafeTensorsFile open(Path file) {
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
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
      List<Entry> list = new ArrayList<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      parseHeader(file, header, list, metadata);
      long dataStart = 8 + headerLength;
      validateLayout(file, list, size - dataStart);
      Map<String, Entry> entries = new LinkedHashMap<>();
      list.forEach(entry -> entries.put(entry.name, entry));
      return new SafeTensorsFile(file, channel, dataStart, entries, metadata);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new BondException("Cannot read the safetensors file " + file + ": " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // The original failure is the one to report.
      }
    }
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** Tensor names, in header order. */
  public Set<String> names() {
    return Collections.unmodifiableSet(entries.keySet());
  }

  /** The {@code __metadata__} map; empty when the file has none. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The dtype of tensor {@code name}. */
  public String dtype(String name) {
    return entry(name).dtype;
  }

  /** The shape of tensor {@code name} (a copy). */
  public long[] shape(String name) {
    return entry(name).shape.clone();
  }

  /** The whole tensor {@code name}, bytes and all. */
  public SafeTensor tensor(String name) {
    Entry entry = entry(name);
    ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(entry.end - entry.begin));
    read(data, dataStart + entry.begin);
    return new SafeTensor(entry.dtype, entry.shape, data.array());
  }

  /**
   * Converts {@code count} elements of floating-point tensor {@code name}, from element {@code
   * from} on, into {@code into[0, count)}.
   */
  public void read(String name, long from, float[] into, int count) {
    Entry entry = entry(name);
    int size = SafeTensor.dtypeSize(entry.dtype);
    int length = Math.multiplyExact(count, size);
    if (readBuffer.capacity() < length) {
      readBuffer = ByteBuffer.allocate(length);
    }
    ByteBuffer bytes = readBuffer.clear().limit(length).order(ByteOrder.LITTLE_ENDIAN);
    read(bytes, dataStart + entry.begin + from * size);
    SafeTensor.convert(entry.dtype, bytes.flip(), into, count);
  }

  private void read(ByteBuffer buffer, long position) {
    try {
      readFully(channel, buffer, position);
    } catch (IOException e) {
      throw new BondException("Cannot read the safetensors file " + file + ": " + e, e);
    }
  }

  private Entry entry(String name) {
    Entry entry = entries.get(name);
    if (entry == null) {
      throw new BondException("The safetensors file " + file + " has no tensor " + name);
    }
    return entry;
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  private record Entry(String name, String dtype, long[] shape, long begin, long end) {}

  private static void parseHeader(Path file, String header, List<Entry> entries,
      Map<String, String> metadata) {
    try (JsonReader json = new JsonReader(new StringReader(header))) {
      json.beginObject();
      Set<String> seen = new HashSet<>();
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
          + Arrays.toString(offsets) + ", expected [begin, end] with 0 <= begin <= end");
    }
    long count;
    try {
      for (long dim : shape) {
        if (dim < 0) {
          throw malformed(file, "tensor \"" + name + "\" has a negative dimension in shape "
              + Arrays.toString(shape));
        }
      }
      count = Math.multiplyExact(SafeTensor.elementCount(shape), size);
    } catch (ArithmeticException e) {
      throw malformed(file, "tensor \"" + name + "\" has a shape too large to address");
    }
    if (offsets[1] - offsets[0] != count) {
      throw malformed(file, "tensor \"" + name + "\" of dtype " + dtype + " and shape "
          + Arrays.toString(shape) + " needs " + count + " bytes but its data_offsets "
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
