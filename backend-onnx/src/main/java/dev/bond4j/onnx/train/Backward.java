package dev.bond4j.onnx.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The state of one backward pass that {@link OpRule}s write into: the gradients found so far,
 * summed where a value feeds several nodes, and helpers that emit backward nodes.
 */
final class Backward {
  private final DiffGraph graph;
  private final Map<String, String> grads;

  Backward(DiffGraph graph, Map<String, String> grads) {
    this.graph = graph;
    this.grads = grads;
  }

  /** Adds {@code grad} to the gradient of {@code value}, if {@code value} is differentiable. */
  void add(String value, String grad) {
    if (!graph.differentiable(value)) {
      return;
    }
    String previous = grads.get(value);
    grads.put(value, previous == null ? grad : op("Add", List.of(previous, grad)));
  }

  /** Whether the gradient of {@code value} is wanted. */
  boolean wants(String value) {
    return graph.differentiable(value);
  }

  /** Emits a backward node. */
  String op(String op, List<String> inputs, Object... attributes) {
    return graph.raw(op, inputs, attributes);
  }

  /** The static shape of a forward value. */
  long[] shape(String value) {
    return graph.shape(value);
  }

  /** An int64 vector constant. */
  String longs(long... values) {
    return graph.longs(values);
  }

  /** The values of an int64 constant of the forward graph. */
  long[] longValuesOf(String value) {
    return graph.longValues(value);
  }

  /** A float scalar constant. */
  String scalar(double value) {
    return graph.scalar(value);
  }

  /** Zeros of a shape. */
  String zeros(long[] shape) {
    return graph.zeros(shape);
  }

  /**
   * Sums a gradient of broadcast shape {@code from} down to the shape {@code to} it was broadcast
   * from (ONNX's numpy-style broadcasting).
   */
  String reduceTo(String grad, long[] from, long[] to) {
    int leading = from.length - to.length;
    List<Long> kept = new ArrayList<>();
    for (int i = leading; i < from.length; i++) {
      if (to[i - leading] == 1 && from[i] != 1) {
        kept.add((long) i);
      }
    }
    String out = grad;
    if (!kept.isEmpty()) {
      out = op("ReduceSum", List.of(out, longs(kept.stream().mapToLong(Long::longValue)
          .toArray())), "keepdims", 1);
    }
    if (leading > 0) {
      long[] axes = new long[leading];
      for (int i = 0; i < leading; i++) {
        axes[i] = i;
      }
      out = op("ReduceSum", List.of(out, longs(axes)), "keepdims", 0);
    }
    return out;
  }
}
