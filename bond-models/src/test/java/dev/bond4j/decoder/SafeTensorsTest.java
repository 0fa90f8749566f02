package dev.bond4j.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.BondException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
  @TempDir Path directory;

  @Test
  void writesAndReadsBackTensorsAndMetadata() {
    Map<String, SafeTensor> tensors = new LinkedHashMap<>();
    tensors.put("a", SafeTensor.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f}));
    tensors.put("b", SafeTensor.ofFloats(new long[] {1}, new float[] {Float.MIN_VALUE}));
    Path file = directory.resolve("x.safetensors");
    new SafeTensors(tensors, Map.of("step", "7")).write(file);
    SafeTensors read = SafeTensors.read(file);
    assertThat(read.metadata()).containsEntry("step", "7");
    assertThat(read.tensors().keySet()).containsExactly("a", "b");
    assertThat(read.tensors().get("a").shape()).containsExactly(2, 3);
    assertThat(read.tensors().get("a").toFloats()).containsExactly(1, 2, 3, 4, 5, -6.5f);
    assertThat(read.tensors().get("b").toFloats()).containsExactly(Float.MIN_VALUE);
  }

  @Test
  void readsHalfAndBfloat16() throws IOException {
    // 1.0, -2.0, 65504 (largest half), 2^-24 (smallest subnormal half)
    byte[] half = shorts(0x3C00, 0xC000, 0x7BFF, 0x0001);
    // bfloat16: 1.0, -2.0, 3.140625
    byte[] bf16 = shorts(0x3F80, 0xC000, 0x4049);
    Path file = raw("{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[8,14]}}", concat(half, bf16));
    SafeTensors read = SafeTensors.read(file);
    assertThat(read.tensors().get("h").toFloats()).containsExactly(1f, -2f, 65504f, 0x1p-24f);
    assertThat(read.tensors().get("b").toFloats()).containsExactly(1f, -2f, 3.140625f);
  }

  @Test
  void rejectsAHeaderLengthBeyondTheFile() throws IOException {
    Path file = directory.resolve("bad.safetensors");
    ByteBuffer buffer = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(1000).put("{}  ".getBytes(StandardCharsets.US_ASCII));
    Files.write(file, buffer.array());
    assertMalformed(file, "header length");
  }

  @Test
  void rejectsAFileShorterThanTheLengthField() throws IOException {
    Path file = directory.resolve("short.safetensors");
    Files.write(file, new byte[] {1, 2, 3});
    assertMalformed(file, "fewer than the 8-byte header length");
  }

  @Test
  void rejectsBadJson() throws IOException {
    assertMalformed(raw("{\"a\": {\"dtype\": \"F32\", ", new byte[0]), "not valid JSON");
    assertMalformed(raw("[1, 2]", new byte[0]), "not valid JSON");
  }

  @Test
  void rejectsDuplicateNames() throws IOException {
    String entry = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
    assertMalformed(raw("{\"a\":" + entry + ",\"a\":" + entry + "}", new byte[4]), "twice");
  }

  @Test
  void rejectsAnUnknownDtype() throws IOException {
    assertMalformed(raw("{\"a\":{\"dtype\":\"F17\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        new byte[4]), "unknown dtype \"F17\"");
  }

  @Test
  void rejectsOverlappingOffsets() throws IOException {
    assertMalformed(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]),
        "overlaps");
  }

  @Test
  void rejectsOutOfRangeOffsetsAndTruncatedData() throws IOException {
    assertMalformed(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
        new byte[10]), "truncated");
    assertMalformed(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}",
        new byte[10]), "data_offsets");
  }

  @Test
  void rejectsAShapeThatDoesNotMatchTheByteCount() throws IOException {
    assertMalformed(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}",
        new byte[8]), "needs 12 bytes");
    assertMalformed(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
        new byte[4]), "negative dimension");
  }

  @Test
  void rejectsGapsAndTrailingBytes() throws IOException {
    assertMalformed(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
        new byte[8]), "gap");
    assertMalformed(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        new byte[8]), "after the last tensor");
  }

  @Test
  void rejectsAMissingFile() {
    assertThatThrownBy(() -> SafeTensors.read(directory.resolve("absent.safetensors")))
        .isInstanceOf(BondException.class).hasMessageContaining("Cannot read");
  }

  @Test
  void integerTensorsReadButDoNotConvertToFloat() throws IOException {
    Path file = raw("{\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}",
        new byte[8]);
    SafeTensor tensor = SafeTensors.read(file).tensors().get("i");
    assertThatThrownBy(tensor::toFloats).isInstanceOf(BondException.class)
        .hasMessageContaining("I64");
  }

  private Path raw(String header, byte[] data) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + data.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(json.length).put(json).put(data);
    Path file = Files.createTempFile(directory, "raw", ".safetensors");
    Files.write(file, buffer.array());
    return file;
  }

  private static byte[] shorts(int... values) {
    ByteBuffer buffer = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      buffer.putShort((short) v);
    }
    return buffer.array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void assertMalformed(Path file, String fragment) {
    assertThatThrownBy(() -> SafeTensors.read(file)).isInstanceOf(BondException.class)
        .hasMessageContaining("Malformed safetensors file").hasMessageContaining(fragment);
  }
}
