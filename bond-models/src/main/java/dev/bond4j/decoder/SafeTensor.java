package dev.bond4j.decoder;

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

  /**
   * A tensor of dtype {@code F32}, {@code BF16} or {@code F16} holding {@code values}, rounded to
   * nearest-even as PyTorch's {@code .to(dtype)} does.
   */
  public static SafeTensor ofFloats(long[] shape, float[] values, String dtype) {
    if (dtype.equals("F32")) {
      return ofFloats(shape, values);
    }
    if (!dtype.equals("BF16") && !dtype.equals("F16")) {
      throw new BondException("Cannot write dtype " + dtype + " (expected F32, BF16 or F16)");
    }
    if (elementCount(shape) != values.length) {
      throw new BondException("Tensor shape " + Arrays.toString(shape) + " holds "
          + elementCount(shape) + " elements, not " + values.length);
    }
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      buffer.putShort(dtype.equals("BF16") ? floatToBfloat16(value) : floatToHalf(value));
    }
    return new SafeTensor(dtype, shape.clone(), buffer.array());
  }

  /** float32 to bfloat16, round to nearest even; NaN stays NaN. */
  static short floatToBfloat16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
  }

  /** float32 to IEEE 754 binary16, round to nearest even, with subnormals and overflow to ∞. */
  static short floatToHalf(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xFF;
    int mantissa = bits & 0x7FFFFF;
    if (exponent == 0xFF) {
      return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0));
    }
    int e = exponent - 112;
    if (e >= 0x1F) {
      return (short) (sign | 0x7C00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      int full = mantissa | 0x800000;
      int shift = 14 - e;
      return (short) (sign | roundShift(full, shift));
    }
    int half = (e << 10) | (mantissa >> 13);
    int rest = mantissa & 0x1FFF;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++;
    }
    return (short) (sign | half);
  }

  private static int roundShift(int value, int shift) {
    int kept = value >>> shift;
    int rest = value & ((1 << shift) - 1);
    int halfway = 1 << (shift - 1);
    return rest > halfway || (rest == halfway && (kept & 1) == 1) ? kept + 1 : kept;
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
  static float halfToFloat(short half) {
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
