package dev.bond4j.models;

import dev.bond4j.BondException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;

/**
 * One tensor of a safetensors file: its dtype, shape and raw little-endian bytes. Floating-point
 * dtypes ({@code F32}, {@code F16}, {@code BF16}, {@code F64}) convert to {@code float[]}; other
 * known dtypes are kept as bytes so that a file holding, say, integer buffers still reads.
 *
 * @param dtype the safetensors dtype name
 * @param shape the dimensions, each {@code >= 0}
 * @param data the raw bytes, {@code elementCount * dtypeSize} long; not copied, do not alter
 */
public record SafeTensor(String dtype, long[] shape, byte[] data) {
  /** A float32 tensor holding a copy of {@code values}. */
  public static SafeTensor ofFloats(long[] shape, float[] values) {
    long count = elementCount(shape);
    if (count != values.length) {
      throw new BondException("Tensor shape " + Arrays.toString(shape) + " holds " + count
          + " elements, not " + values.length);
    }
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    return new SafeTensor("F32", shape.clone(), buffer.array());
  }

  /** Bytes per element of {@code dtype}, or -1 when the dtype is not a safetensors dtype. */
  static int dtypeSize(String dtype) {
    return switch (dtype) {
      case "BOOL", "U8", "I8", "F8_E4M3", "F8_E5M2" -> 1;
      case "U16", "I16", "F16", "BF16" -> 2;
      case "U32", "I32", "F32" -> 4;
      case "U64", "I64", "F64" -> 8;
      default -> -1;
    };
  }

  /** Number of elements of a shape; the empty shape is a scalar with one element. */
  public static long elementCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  /** Number of elements. */
  public long elementCount() {
    return elementCount(shape);
  }

  /** The values as float32, converted from any floating-point dtype. */
  public float[] toFloats() {
    float[] out = new float[Math.toIntExact(elementCount())];
    toFloats(0, out, out.length);
    return out;
  }

  /**
   * Converts {@code count} values from element {@code from} on into {@code into[0, count)}, from
   * any floating-point dtype.
   */
  public void toFloats(long from, float[] into, int count) {
    convert(dtype, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN)
        .position(Math.toIntExact(from * dtypeSize(dtype))), into, count);
  }

  /** Reads {@code count} values of {@code dtype} from {@code in} into {@code out[0, count)}. */
  static void convert(String dtype, ByteBuffer in, float[] out, int count) {
    switch (dtype) {
      case "F32" -> in.asFloatBuffer().get(out, 0, count);
      case "F64" -> {
        for (int i = 0; i < count; i++) {
          out[i] = (float) in.getDouble();
        }
      }
      case "F16" -> {
        for (int i = 0; i < count; i++) {
          out[i] = halfToFloat(in.getShort());
        }
      }
      case "BF16" -> {
        for (int i = 0; i < count; i++) {
          out[i] = Float.intBitsToFloat((in.getShort() & 0xFFFF) << 16);
        }
      }
      default -> throw new BondException(String.format(Locale.ROOT,
          "Tensor of dtype %s cannot be read as floating point (expected F32, F64, F16 or BF16)",
          dtype));
    }
  }

  /** IEEE 754 binary16 to float32 (Java 17 has no {@code Float.float16ToFloat}). */
  private static float halfToFloat(short half) {
    int bits = half & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1F;
    int mantissa = bits & 0x3FF;
    if (exponent == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
