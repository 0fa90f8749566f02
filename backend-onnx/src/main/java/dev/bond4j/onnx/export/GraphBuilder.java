package dev.bond4j.onnx.export;

import java.util.List;

/**
 * What code that emits ONNX nodes needs from a graph, so that one description of a decoder (see
 * {@link DecoderBlocks}) builds both the exported inference graph ({@link OnnxGraph}) and the
 * differentiable training graph ({@code DiffGraph}).
 */
public interface GraphBuilder {
  /**
   * A node with {@code outputCount} outputs; returns their names.
   *
   * @param attributes name and value pairs: {@code Integer}/{@code Long}, {@code Float}/{@code
   *     Double}, {@code long[]} or {@code String}
   */
  String[] ops(String op, int outputCount, List<String> inputs, Object... attributes);

  /** A node with one output; returns its name. */
  default String op(String op, List<String> inputs, Object... attributes) {
    return ops(op, 1, inputs, attributes)[0];
  }

  /** A float32 scalar constant. */
  String scalar(double value);

  /** An int64 vector constant. */
  String longs(long... values);
}
