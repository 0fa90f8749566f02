package dev.bond4j.decoder;

import com.google.gson.stream.JsonWriter;
import dev.bond4j.BondException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
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
    try (SafeTensorsFile open = SafeTensorsFile.open(file)) {
      Map<String, SafeTensor> tensors = new LinkedHashMap<>();
      for (String name : open.names()) {
        tensors.put(name, open.tensor(name));
      }
      return new SafeTensors(tensors, open.metadata());
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

}
