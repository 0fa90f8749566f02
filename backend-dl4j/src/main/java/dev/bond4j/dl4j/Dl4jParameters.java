package dev.bond4j.dl4j;

import dev.bond4j.BondException;
import dev.bond4j.models.Gpt2Config;
import dev.bond4j.models.Gpt2Layout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The parameters of a GPT-2 model in one contiguous float32 ND4J buffer, with one view per
 * HuggingFace tensor in {@link Gpt2Layout}'s order. The SameDiff graph's variables are these
 * views, so the optimizer step, EMA and copies are single in-place operations over the flat buffer
 * that the graph sees at once.
 */
final class Dl4jParameters implements AutoCloseable {
  final Gpt2Config config;
  final Gpt2Layout layout;
  final INDArray flat;
  final INDArray[] views;

  private Dl4jParameters(Gpt2Config config, INDArray flat) {
    this.config = config;
    this.layout = new Gpt2Layout(config);
    this.flat = flat;
    this.views = viewsOf(flat, layout);
  }

  /** One view of {@code flat} per tensor of {@code layout}, shaped like the tensor. */
  static INDArray[] viewsOf(INDArray flat, Gpt2Layout layout) {
    INDArray[] views = new INDArray[layout.size()];
    for (int i = 0; i < views.length; i++) {
      views[i] = flat.get(NDArrayIndex.interval(layout.offset(i), layout.offset(i + 1)))
          .reshape('c', layout.shape(i));
      if (!views[i].isView()) {
        throw new IllegalStateException("ND4J copied a parameter view instead of sharing it");
      }
    }
    return views;
  }

  /** Parameters holding {@code values}, laid out in the canonical order. */
  static Dl4jParameters of(Gpt2Config config, float[] values) {
    if (values.length != config.parameterCount()) {
      throw new BondException("Expected " + config.parameterCount() + " parameters for " + config
          + ", got " + values.length);
    }
    return new Dl4jParameters(config, Nd4j.createFromArray(values));
  }

  /** A copy with its own buffer. */
  Dl4jParameters copy() {
    return new Dl4jParameters(config, flat.dup());
  }

  /** A zero buffer of the same size, for gradients and optimizer moments. */
  INDArray zerosLike() {
    return Nd4j.zeros(DataType.FLOAT, flat.length());
  }

  /** A copy of all values, in the canonical order. */
  float[] values() {
    return flat.toFloatVector();
  }

  /** Overwrites all values in place, so that the views and the graph see them. */
  void setValues(float[] values) {
    overwrite(flat, values);
  }

  /** Copies {@code values} into {@code target}'s own storage. */
  static void overwrite(INDArray target, float[] values) {
    if (values.length != target.length()) {
      throw new BondException("Expected " + target.length() + " values, got " + values.length);
    }
    try (INDArray source = Nd4j.createFromArray(values)) {
      target.assign(source);
    }
  }

  @Override
  public void close() {
    flat.close();
  }
}
