package dev.bond4j.dl4j;

import dev.bond4j.BondException;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout.Global;
import dev.bond4j.decoder.DecoderLayout.Slot;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.decoder.ParameterStore;
import java.util.Arrays;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The parameters of a decoder as one float32 ND4J array per internal tensor, in {@link
 * DecoderLayout}'s order, and the Llama family's rotary tables. The SameDiff graph's variables are these very arrays, so in-place changes
 * (the optimizer step, EMA, loading) show in the graph at once. (One flat buffer with a view per
 * tensor, as on DJL, does not work: SameDiff copies a view when it becomes a variable.)
 */
final class Dl4jParameters implements ParameterStore {
  final DecoderConfig config;
  final DecoderLayout layout;
  final INDArray[] tensors;
  /** Rotary cosines {@code [positions, headSize / 2]}, or null for GPT-2. */
  final INDArray ropeCos;
  /** Rotary sines {@code [positions, headSize / 2]}, or null for GPT-2. */
  final INDArray ropeSin;

  private Dl4jParameters(DecoderConfig config, INDArray[] tensors) {
    this.config = config;
    this.layout = new DecoderLayout(config);
    this.tensors = tensors;
    for (INDArray tensor : tensors) {
      NdArrays.owned(tensor);
    }
    if (config.rope() == null) {
      ropeCos = null;
      ropeSin = null;
    } else {
      float[][] tables = config.rope().tables(config.maxPositions(), config.headSize());
      long[] shape = {config.maxPositions(), config.headSize() / 2};
      ropeCos = NdArrays.owned(Nd4j.create(tables[0], shape, DataType.FLOAT));
      ropeSin = NdArrays.owned(Nd4j.create(tables[1], shape, DataType.FLOAT));
    }
  }

  /** A block tensor, or null when the family has none ({@link DecoderLayout#index}). */
  INDArray tensor(int layer, Slot slot) {
    int index = layout.index(layer, slot);
    return index < 0 ? null : tensors[index];
  }

  /** A tensor outside the blocks, or null when the family or config has none. */
  INDArray tensor(Global global) {
    int index = layout.index(global);
    return index < 0 ? null : tensors[index];
  }

  /** The head {@code [V, d]}: its own tensor when untied, else the token embedding. */
  INDArray head() {
    INDArray head = tensor(Global.HEAD);
    return head == null ? tensor(Global.EMBED) : head;
  }

  /** Parameters holding {@code values}, laid out in the canonical order. */
  static Dl4jParameters of(DecoderConfig config, float[] values) {
    config.requireParameterCount(values.length);
    Dl4jParameters parameters = new Dl4jParameters(config, zeros(new DecoderLayout(config)));
    overwrite(parameters.tensors, values);
    return parameters;
  }

  /** A copy with its own arrays. */
  Dl4jParameters copy() {
    INDArray[] copies = new INDArray[tensors.length];
    for (int i = 0; i < copies.length; i++) {
      copies[i] = tensors[i].dup();
    }
    return new Dl4jParameters(config, copies);
  }

  private static INDArray[] zeros(DecoderLayout layout) {
    return zeros(layout.size(), layout::shape);
  }

  /** {@code count} float32 zero arrays of shapes {@code shape(i)}. */
  static INDArray[] zeros(int count, IntFunction<long[]> shape) {
    INDArray[] arrays = new INDArray[count];
    for (int i = 0; i < arrays.length; i++) {
      arrays[i] = NdArrays.owned(Nd4j.zeros(DataType.FLOAT, shape.apply(i)));
    }
    return arrays;
  }

  /** A copy of all values, in the canonical order. */
  @Override
  public float[] values() {
    return valuesOf(tensors);
  }

  /** Overwrites all values in place, so that the graph sees them. */
  @Override
  public void setValues(float[] values) {
    overwrite(tensors, values);
  }

  /** The values of a set of arrays shaped like the parameters, concatenated in order. */
  static float[] valuesOf(INDArray[] arrays) {
    long total = 0;
    for (INDArray array : arrays) {
      total += array.length();
    }
    float[] values = new float[Math.toIntExact(total)];
    int at = 0;
    for (INDArray array : arrays) {
      float[] part = NdArrays.values(array);
      System.arraycopy(part, 0, values, at, part.length);
      at += part.length;
    }
    return values;
  }

  /** Copies {@code values}, concatenated in order, into the arrays' own storage. */
  static void overwrite(INDArray[] arrays, float[] values) {
    long total = 0;
    for (INDArray array : arrays) {
      total += array.length();
    }
    if (values.length != total) {
      throw new BondException("Expected " + total + " values, got " + values.length);
    }
    int at = 0;
    for (INDArray array : arrays) {
      int n = Math.toIntExact(array.length());
      float[] part = Arrays.copyOfRange(values, at, at + n);
      try (INDArray source = Nd4j.create(part, array.shape(), DataType.FLOAT)) {
        array.assign(source);
      }
      at += n;
    }
  }

  /** Closes every array of {@code arrays}. */
  static void close(INDArray[] arrays) {
    for (INDArray array : arrays) {
      array.close();
    }
  }

  @Override
  public void close() {
    close(tensors);
    if (ropeCos != null) {
      ropeCos.close();
      ropeSin.close();
    }
  }
}
