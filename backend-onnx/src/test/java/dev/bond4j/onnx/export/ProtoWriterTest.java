package dev.bond4j.onnx.export;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The encoder against byte strings from the protobuf encoding specification. */
class ProtoWriterTest {
  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  @Test
  void varintsUseSevenBitGroupsAndTenBytesForNegatives() {
    assertThat(new ProtoWriter().varint(1, 150).toByteArray()).containsExactly(bytes(0x08, 0x96,
        0x01));
    assertThat(new ProtoWriter().varint(3, -1).toByteArray()).containsExactly(bytes(0x18, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01));
  }

  @Test
  void stringsFloatsAndMessagesAreLengthDelimitedOrFixed() {
    assertThat(new ProtoWriter().string(2, "testing").toByteArray()).containsExactly(bytes(0x12,
        0x07, 't', 'e', 's', 't', 'i', 'n', 'g'));
    assertThat(new ProtoWriter().float32(2, 1.0f).toByteArray()).containsExactly(bytes(0x15,
        0x00, 0x00, 0x80, 0x3F));
    assertThat(new ProtoWriter().message(3, new ProtoWriter().varint(1, 150)).toByteArray())
        .containsExactly(bytes(0x1A, 0x03, 0x08, 0x96, 0x01));
  }
}
