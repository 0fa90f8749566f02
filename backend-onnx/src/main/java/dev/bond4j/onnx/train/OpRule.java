package dev.bond4j.onnx.train;

import dev.bond4j.onnx.train.DiffGraph.Node;

/**
 * What {@link DiffGraph} knows of one ONNX op: the static shapes of its outputs and its backward
 * rule.
 *
 * @param shapes the output shapes of a node
 * @param backward the rule that adds the node's input gradients
 */
record OpRule(Shapes shapes, Gradient backward) {
  /** Infers output shapes. */
  @FunctionalInterface
  interface Shapes {
    /** The shape of each output of {@code node}. */
    long[][] of(DiffGraph graph, Node node);
  }

  /** A backward rule. */
  @FunctionalInterface
  interface Gradient {
    /**
     * Adds to {@code backward} the gradient of each differentiable input of {@code node}.
     *
     * @param outputGrads the gradient of each output, null where an output has none
     */
    void apply(Backward backward, Node node, String[] outputGrads);
  }

  long[][] shapes(DiffGraph graph, Node node) {
    return shapes.of(graph, node);
  }

  void backward(Backward backward, Node node, String[] outputGrads) {
    this.backward.apply(backward, node, outputGrads);
  }
}
