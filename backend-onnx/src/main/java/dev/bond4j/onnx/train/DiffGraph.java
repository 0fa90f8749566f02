package dev.bond4j.onnx.train;

import dev.bond4j.BondException;
import dev.bond4j.onnx.export.GraphBuilder;
import dev.bond4j.onnx.export.OnnxGraph;
import dev.bond4j.onnx.export.OnnxGraph.ElementType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX graph of static shapes that can be differentiated: every node built with {@link #op} is
 * recorded with its output shapes (inferred by the op's {@link OpRule}), and {@link #gradients}
 * appends the reverse-mode backward pass as ordinary ONNX nodes of the same graph, one rule per op
 * ({@link OpRules}). Values are referred to by name.
 */
public final class DiffGraph implements GraphBuilder {
  private final OnnxGraph graph;
  private final Map<String, long[]> shapes = new HashMap<>();
  private final Map<String, long[]> longValues = new HashMap<>();
  private final Set<String> differentiable = new HashSet<>();
  private final List<Node> tape = new ArrayList<>();
  private int counter;

  /** One recorded node: its op, input and output names and attributes. */
  record Node(String op, List<String> inputs, List<String> outputs, Map<String, Object> attributes) {
    /** An integer attribute, or {@code otherwise} when absent. */
    long integer(String name, long otherwise) {
      Object value = attributes.get(name);
      return value == null ? otherwise : ((Number) value).longValue();
    }

    String input(int i) {
      return inputs.get(i);
    }

    String output(int i) {
      return outputs.get(i);
    }
  }

  /** An empty graph called {@code name}. */
  public DiffGraph(String name) {
    this.graph = new OnnxGraph(name);
  }

  /** A graph input of fixed shape that is not differentiated. */
  public String input(String name, ElementType type, long... shape) {
    graph.input(name, type, Arrays.stream(shape).boxed().toArray());
    shapes.put(name, shape.clone());
    return name;
  }

  /** A float graph input that {@link #gradients} differentiates with respect to. */
  public String parameter(String name, long... shape) {
    input(name, ElementType.FLOAT, shape);
    differentiable.add(name);
    return name;
  }

  /** A float constant stored in the model. */
  public String constant(long[] shape, float[] values) {
    String name = graph.constant(fresh("c"), shape, values);
    shapes.put(name, shape.clone());
    return name;
  }

  @Override
  public String scalar(double value) {
    return constant(new long[0], new float[] {(float) value});
  }

  /** An int64 vector constant whose values shape inference may read. */
  @Override
  public String longs(long... values) {
    String name = graph.longs(values);
    shapes.put(name, new long[] {values.length});
    longValues.put(name, values.clone());
    return name;
  }

  /**
   * A differentiable node with {@code outputCount} outputs.
   *
   * @throws BondException when the op has no rule
   */
  @Override
  public String[] ops(String op, int outputCount, List<String> inputs, Object... attributes) {
    OpRule rule = OpRules.rule(op);
    Map<String, Object> map = attributeMap(attributes);
    String[] outputs = graph.ops(op, outputCount, inputs, attributes);
    Node node = new Node(op, List.copyOf(inputs), List.of(outputs), map);
    long[][] outShapes = rule.shapes(this, node);
    for (int i = 0; i < outputs.length; i++) {
      shapes.put(outputs[i], outShapes[i]);
    }
    if (inputs.stream().anyMatch(differentiable::contains)) {
      differentiable.addAll(List.of(outputs));
    }
    tape.add(node);
    return outputs;
  }

  /** A node of the backward pass: emitted, not recorded, its shape not tracked. */
  String raw(String op, List<String> inputs, Object... attributes) {
    return graph.ops(op, 1, inputs, attributes)[0];
  }

  /** Declares {@code value} a float graph output called {@code name}. */
  public void output(String name, String value) {
    graph.output(name, value, ElementType.FLOAT, Arrays.stream(shape(value)).boxed().toArray());
  }

  /** The static shape of a value (a copy). */
  public long[] shape(String value) {
    long[] shape = shapes.get(value);
    if (shape == null) {
      throw new BondException("The graph has no value " + value + " of known shape");
    }
    return shape.clone();
  }

  /** The values of an int64 constant made by {@link #longs}. */
  long[] longValues(String value) {
    long[] values = longValues.get(value);
    if (values == null) {
      throw new BondException("The value " + value + " is not an int64 constant of this graph");
    }
    return values;
  }

  /** Whether {@code value} depends on a parameter. */
  boolean differentiable(String value) {
    return differentiable.contains(value);
  }

  /**
   * Appends the backward pass: the gradients of {@code Σ_o <seed_o, o>} with respect to {@code
   * wrt}, given the seeds {@code ∂/∂o} of some outputs. A parameter the seeds do not depend on gets
   * zeros.
   *
   * @return the gradient's value name for each of {@code wrt}, in order
   */
  public List<String> gradients(Map<String, String> seeds, List<String> wrt) {
    Map<String, String> grads = new HashMap<>(seeds);
    Backward backward = new Backward(this, grads);
    for (int i = tape.size() - 1; i >= 0; i--) {
      Node node = tape.get(i);
      if (node.outputs().stream().noneMatch(grads::containsKey)
          || node.inputs().stream().noneMatch(differentiable::contains)) {
        continue;
      }
      String[] outputGrads = node.outputs().stream().map(grads::get).toArray(String[]::new);
      OpRules.rule(node.op()).backward(backward, node, outputGrads);
    }
    List<String> out = new ArrayList<>();
    for (String value : wrt) {
      String grad = grads.containsKey(value) ? grads.get(value) : zeros(shape(value));
      shapes.putIfAbsent(grad, shape(value));
      out.add(grad);
    }
    return out;
  }

  /** A float tensor of zeros of the given shape. */
  String zeros(long[] shape) {
    return raw("ConstantOfShape", List.of(longs(shape)));
  }

  /** The encoded ONNX model. */
  public byte[] toBytes() {
    return graph.toBytes();
  }

  private String fresh(String prefix) {
    return prefix + "_" + counter++;
  }

  /** The attributes by name, integers as {@code Long} and floats as {@code Float}. */
  private static Map<String, Object> attributeMap(Object[] pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      Object value = pairs[i + 1];
      map.put((String) pairs[i], value instanceof Integer n ? Long.valueOf(n)
          : value instanceof Double d ? Float.valueOf(d.floatValue()) : value);
    }
    return map;
  }
}
