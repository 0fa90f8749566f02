package dev.bond4j.onnx.train;

import dev.bond4j.BondException;
import dev.bond4j.onnx.train.DiffGraph.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of ops {@link DiffGraph} differentiates, each with its shape inference and its
 * backward rule written as standard ONNX ops: the subset the decoders use (elementwise arithmetic
 * with broadcasting, {@code MatMul}, layout ops, normalisations, activations, softmaxes, gathers
 * and reductions). Every rule is checked against finite differences in {@code OpRulesTest}.
 */
final class OpRules {
  private static final Map<String, OpRule> RULES = new TreeMap<>();

  static {
    RULES.put("Identity", new OpRule(OpRules::same, (b, n, dy) -> b.add(n.input(0), dy[0])));
    RULES.put("Neg", new OpRule(OpRules::same, (b, n, dy) -> b.add(n.input(0), neg(b, dy[0]))));
    RULES.put("Add", new OpRule(OpRules::broadcast, (b, n, dy) -> {
      b.add(n.input(0), b.reduceTo(dy[0], b.shape(n.output(0)), b.shape(n.input(0))));
      b.add(n.input(1), b.reduceTo(dy[0], b.shape(n.output(0)), b.shape(n.input(1))));
    }));
    RULES.put("Sub", new OpRule(OpRules::broadcast, (b, n, dy) -> {
      b.add(n.input(0), b.reduceTo(dy[0], b.shape(n.output(0)), b.shape(n.input(0))));
      if (b.wants(n.input(1))) {
        b.add(n.input(1), b.reduceTo(neg(b, dy[0]), b.shape(n.output(0)),
            b.shape(n.input(1))));
      }
    }));
    RULES.put("Mul", new OpRule(OpRules::broadcast, (b, n, dy) -> {
      for (int i = 0; i < 2; i++) {
        if (b.wants(n.input(i))) {
          String product = b.op("Mul", List.of(dy[0], n.input(1 - i)));
          b.add(n.input(i), b.reduceTo(product, b.shape(n.output(0)), b.shape(n.input(i))));
        }
      }
    }));
    RULES.put("Div", new OpRule(OpRules::broadcast, (b, n, dy) -> {
      if (b.wants(n.input(0))) {
        b.add(n.input(0), b.reduceTo(b.op("Div", List.of(dy[0], n.input(1))),
            b.shape(n.output(0)), b.shape(n.input(0))));
      }
      if (b.wants(n.input(1))) {
        String quotient = b.op("Div", List.of(n.output(0), n.input(1)));
        b.add(n.input(1), b.reduceTo(neg(b, b.op("Mul", List.of(dy[0], quotient))),
            b.shape(n.output(0)), b.shape(n.input(1))));
      }
    }));
    RULES.put("Sqrt", new OpRule(OpRules::same, (b, n, dy) -> b.add(n.input(0),
        b.op("Div", List.of(b.op("Mul", List.of(dy[0], b.scalar(0.5))), n.output(0))))));
    RULES.put("Sigmoid", new OpRule(OpRules::same, (b, n, dy) -> {
      String y = n.output(0);
      String slope = b.op("Mul", List.of(y, b.op("Sub", List.of(b.scalar(1), y))));
      b.add(n.input(0), b.op("Mul", List.of(dy[0], slope)));
    }));
    RULES.put("Tanh", new OpRule(OpRules::same, (b, n, dy) -> {
      String y = n.output(0);
      String slope = b.op("Sub", List.of(b.scalar(1), b.op("Mul", List.of(y, y))));
      b.add(n.input(0), b.op("Mul", List.of(dy[0], slope)));
    }));
    RULES.put("Erf", new OpRule(OpRules::same, (b, n, dy) -> {
      String x = n.input(0);
      String gauss = b.op("Exp", List.of(neg(b, b.op("Mul", List.of(x, x)))));
      b.add(x, b.op("Mul", List.of(dy[0], b.op("Mul", List.of(gauss,
          b.scalar(2 / Math.sqrt(Math.PI)))))));
    }));
    RULES.put("Softmax", new OpRule(OpRules::same, (b, n, dy) -> {
      String y = n.output(0);
      String dot = b.op("ReduceSum", List.of(b.op("Mul", List.of(dy[0], y)),
          b.longs(n.integer("axis", -1))), "keepdims", 1);
      b.add(n.input(0), b.op("Mul", List.of(y, b.op("Sub", List.of(dy[0], dot)))));
    }));
    RULES.put("LogSoftmax", new OpRule(OpRules::same, (b, n, dy) -> {
      String total = b.op("ReduceSum", List.of(dy[0], b.longs(n.integer("axis", -1))),
          "keepdims", 1);
      String softmax = b.op("Exp", List.of(n.output(0)));
      b.add(n.input(0), b.op("Sub", List.of(dy[0], b.op("Mul", List.of(softmax, total)))));
    }));
    RULES.put("MatMul", new OpRule(OpRules::matMulShape, OpRules::matMulBackward));
    RULES.put("Transpose", new OpRule(OpRules::transposeShape, (b, n, dy) -> {
      long[] perm = (long[]) n.attributes().get("perm");
      long[] inverse = new long[perm.length];
      for (int i = 0; i < perm.length; i++) {
        inverse[(int) perm[i]] = i;
      }
      b.add(n.input(0), b.op("Transpose", List.of(dy[0]), "perm", inverse));
    }));
    RULES.put("Reshape", new OpRule(OpRules::reshapeShape, (b, n, dy) ->
        b.add(n.input(0), b.op("Reshape", List.of(dy[0], b.longs(b.shape(n.input(0))))))));
    RULES.put("Split", new OpRule(OpRules::splitShape, (b, n, dy) -> {
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < dy.length; i++) {
        parts.add(dy[i] != null ? dy[i] : b.zeros(b.shape(n.output(i))));
      }
      b.add(n.input(0), b.op("Concat", parts, "axis", n.integer("axis", 0)));
    }));
    RULES.put("Concat", new OpRule(OpRules::concatShape, (b, n, dy) -> {
      int axis = axis(n.integer("axis", 0), b.shape(n.output(0)).length);
      long[] sizes = n.inputs().stream().mapToLong(input -> b.shape(input)[axis]).toArray();
      String[] parts = new String[sizes.length];
      if (sizes.length == 1) {
        parts[0] = dy[0];
      } else {
        List<String> split = splitNames(b, dy[0], axis, sizes);
        parts = split.toArray(String[]::new);
      }
      for (int i = 0; i < parts.length; i++) {
        b.add(n.input(i), parts[i]);
      }
    }));
    RULES.put("LayerNormalization", new OpRule(OpRules::layerNormShape,
        OpRules::layerNormBackward));
    RULES.put("ReduceMean", new OpRule(OpRules::reduceMeanShape, (b, n, dy) -> {
      long[] x = b.shape(n.input(0));
      long[] y = b.shape(n.output(0));
      long count = product(x) / product(y);
      String kept = b.op("Reshape", List.of(dy[0], b.longs(keptShape(x, attributeAxes(n, x)))));
      b.add(n.input(0), b.op("Expand", List.of(b.op("Mul", List.of(kept,
          b.scalar(1.0 / count))), b.longs(x))));
    }));
    RULES.put("ReduceSum", new OpRule(OpRules::reduceSumShape, (b, n, dy) -> {
      long[] x = b.shape(n.input(0));
      long[] axes = normalise(n.inputs().size() > 1 ? bLongs(b, n) : allAxes(x.length),
          x.length);
      String kept = b.op("Reshape", List.of(dy[0], b.longs(keptShape(x, axes))));
      b.add(n.input(0), b.op("Expand", List.of(kept, b.longs(x))));
    }));
    RULES.put("Gather", new OpRule(OpRules::gatherShape, (b, n, dy) -> {
      if (n.integer("axis", 0) != 0) {
        throw new BondException("The backward rule of Gather takes axis 0, not "
            + n.integer("axis", 0));
      }
      String indices = b.op("Unsqueeze", List.of(n.input(1), b.longs(-1)));
      b.add(n.input(0), b.op("ScatterND", List.of(b.zeros(b.shape(n.input(0))), indices,
          dy[0]), "reduction", "add"));
    }));
    RULES.put("GatherElements", new OpRule((g, n) -> new long[][] {g.shape(n.input(1))},
        (b, n, dy) -> b.add(n.input(0), b.op("ScatterElements", List.of(
            b.zeros(b.shape(n.input(0))), n.input(1), dy[0]), "axis", n.integer("axis", 0),
            "reduction", "add"))));
  }

  private OpRules() {}

  /**
   * The rule of {@code op}.
   *
   * @throws BondException naming the op when it has no rule
   */
  static OpRule rule(String op) {
    OpRule rule = RULES.get(op);
    if (rule == null) {
      throw new BondException("The ONNX op " + op + " has no backward rule, so a graph using it"
          + " cannot be trained (ops with rules: " + String.join(", ", RULES.keySet()) + ")");
    }
    return rule;
  }

  /** The ops that have rules. */
  static List<String> ops() {
    return List.copyOf(RULES.keySet());
  }

  private static String neg(Backward b, String x) {
    return b.op("Neg", List.of(x));
  }

  private static long[][] same(DiffGraph g, Node n) {
    return new long[][] {g.shape(n.input(0))};
  }

  private static long[][] broadcast(DiffGraph g, Node n) {
    long[] out = new long[0];
    for (String input : n.inputs()) {
      out = broadcast(out, g.shape(input), n.op());
    }
    return new long[][] {out};
  }

  private static long[] broadcast(long[] a, long[] b, String op) {
    int rank = Math.max(a.length, b.length);
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      long x = i < rank - a.length ? 1 : a[i - (rank - a.length)];
      long y = i < rank - b.length ? 1 : b[i - (rank - b.length)];
      if (x != y && x != 1 && y != 1) {
        throw new BondException("Shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
            + " of " + op + " do not broadcast");
      }
      out[i] = x == 1 ? y : x;
    }
    return out;
  }

  private static long[][] matMulShape(DiffGraph g, Node n) {
    long[] a = g.shape(n.input(0));
    long[] b = g.shape(n.input(1));
    if (a.length < 2 || b.length < 2 || a[a.length - 1] != b[b.length - 2]) {
      throw new BondException("MatMul of shapes " + Arrays.toString(a) + " and "
          + Arrays.toString(b) + " (both need rank >= 2 and matching inner sizes)");
    }
    long[] batch = broadcast(Arrays.copyOf(a, a.length - 2), Arrays.copyOf(b, b.length - 2),
        "MatMul");
    long[] out = Arrays.copyOf(batch, batch.length + 2);
    out[batch.length] = a[a.length - 2];
    out[batch.length + 1] = b[b.length - 1];
    return new long[][] {out};
  }

  /** {@code dA = dY · Bᵀ}, {@code dB = Aᵀ · dY}, each summed over broadcast batch axes. */
  private static void matMulBackward(Backward b, Node n, String[] dy) {
    String x = n.input(0);
    String w = n.input(1);
    long[] xs = b.shape(x);
    long[] ws = b.shape(w);
    long[] ys = b.shape(n.output(0));
    if (b.wants(x)) {
      b.add(x, b.reduceTo(b.op("MatMul", List.of(dy[0], swapLast(b, w, ws.length))), ys, xs));
    }
    if (!b.wants(w)) {
      return;
    }
    if (ws.length == 2 && xs.length > 2) {
      String rows = b.op("Reshape", List.of(x, b.longs(-1, xs[xs.length - 1])));
      String grads = b.op("Reshape", List.of(dy[0], b.longs(-1, ys[ys.length - 1])));
      b.add(w, b.op("MatMul", List.of(b.op("Transpose", List.of(rows), "perm", new long[] {1, 0}),
          grads)));
    } else {
      long[] product = ys.clone();
      product[product.length - 2] = ws[ws.length - 2];
      b.add(w, b.reduceTo(b.op("MatMul", List.of(swapLast(b, x, xs.length), dy[0])), product,
          ws));
    }
  }

  private static String swapLast(Backward b, String x, int rank) {
    long[] perm = new long[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i;
    }
    perm[rank - 2] = rank - 1;
    perm[rank - 1] = rank - 2;
    return b.op("Transpose", List.of(x), "perm", perm);
  }

  private static long[][] transposeShape(DiffGraph g, Node n) {
    long[] x = g.shape(n.input(0));
    long[] perm = (long[]) n.attributes().get("perm");
    long[] out = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[(int) perm[i]];
    }
    return new long[][] {out};
  }

  private static long[][] reshapeShape(DiffGraph g, Node n) {
    long[] x = g.shape(n.input(0));
    long[] target = g.longValues(n.input(1)).clone();
    int unknown = -1;
    long known = 1;
    for (int i = 0; i < target.length; i++) {
      if (target[i] == 0) {
        target[i] = x[i];
      }
      if (target[i] == -1) {
        unknown = i;
      } else {
        known *= target[i];
      }
    }
    if (unknown >= 0) {
      target[unknown] = product(x) / known;
    }
    if (product(target) != product(x)) {
      throw new BondException("Cannot reshape " + Arrays.toString(x) + " to "
          + Arrays.toString(target));
    }
    return new long[][] {target};
  }

  private static long[][] splitShape(DiffGraph g, Node n) {
    long[] x = g.shape(n.input(0));
    int axis = axis(n.integer("axis", 0), x.length);
    long[] sizes = g.longValues(n.input(1));
    long[][] out = new long[sizes.length][];
    for (int i = 0; i < sizes.length; i++) {
      out[i] = x.clone();
      out[i][axis] = sizes[i];
    }
    return out;
  }

  private static List<String> splitNames(Backward b, String x, int axis, long[] sizes) {
    List<String> out = new ArrayList<>();
    for (int i = 0, start = 0; i < sizes.length; start += sizes[i], i++) {
      out.add(b.op("Slice", List.of(x, b.longs(start), b.longs(start + sizes[i]),
          b.longs(axis))));
    }
    return out;
  }

  private static long[][] concatShape(DiffGraph g, Node n) {
    long[] out = g.shape(n.input(0));
    int axis = axis(n.integer("axis", 0), out.length);
    for (int i = 1; i < n.inputs().size(); i++) {
      out[axis] += g.shape(n.input(i))[axis];
    }
    return new long[][] {out};
  }

  private static long[][] layerNormShape(DiffGraph g, Node n) {
    long[] x = g.shape(n.input(0));
    if (axis(n.integer("axis", -1), x.length) != x.length - 1 || n.outputs().size() != 3) {
      throw new BondException("The LayerNormalization rule takes axis -1 and three outputs");
    }
    long[] stats = x.clone();
    stats[x.length - 1] = 1;
    return new long[][] {x, stats, stats};
  }

  /**
   * With {@code x̂ = (x − μ) · r}: {@code dγ = Σ dy · x̂}, {@code dβ = Σ dy}, and {@code dx = r ·
   * (g − mean(g) − x̂ · mean(g · x̂))} where {@code g = dy · γ}.
   */
  private static void layerNormBackward(Backward b, Node n, String[] dy) {
    String x = n.input(0);
    String gain = n.input(1);
    long[] shape = b.shape(x);
    String normalised = b.op("Mul", List.of(b.op("Sub", List.of(x, n.output(1))), n.output(2)));
    if (b.wants(gain)) {
      b.add(gain, b.reduceTo(b.op("Mul", List.of(dy[0], normalised)), shape, b.shape(gain)));
    }
    if (n.inputs().size() > 2) {
      b.add(n.input(2), b.reduceTo(dy[0], shape, b.shape(n.input(2))));
    }
    if (b.wants(x)) {
      String scaled = b.op("Mul", List.of(dy[0], gain));
      String mean = b.op("ReduceMean", List.of(scaled), "axes", new long[] {-1}, "keepdims", 1);
      String projection = b.op("ReduceMean", List.of(b.op("Mul", List.of(scaled, normalised))),
          "axes", new long[] {-1}, "keepdims", 1);
      String centred = b.op("Sub", List.of(b.op("Sub", List.of(scaled, mean)),
          b.op("Mul", List.of(normalised, projection))));
      b.add(x, b.op("Mul", List.of(centred, n.output(2))));
    }
  }

  private static long[][] reduceMeanShape(DiffGraph g, Node n) {
    long[] x = g.shape(n.input(0));
    return new long[][] {reduced(x, attributeAxes(n, x), n.integer("keepdims", 1) != 0)};
  }

  private static long[][] reduceSumShape(DiffGraph g, Node n) {
    long[] x = g.shape(n.input(0));
    long[] axes = n.inputs().size() > 1 ? g.longValues(n.input(1)) : allAxes(x.length);
    return new long[][] {reduced(x, normalise(axes, x.length), n.integer("keepdims", 1) != 0)};
  }

  private static long[] bLongs(Backward b, Node n) {
    return b.longValuesOf(n.input(1));
  }

  private static long[] attributeAxes(Node n, long[] x) {
    Object axes = n.attributes().get("axes");
    return normalise(axes == null ? allAxes(x.length) : (long[]) axes, x.length);
  }

  private static long[] reduced(long[] x, long[] axes, boolean keep) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      final int axis = i;
      boolean reducedAxis = Arrays.stream(axes).anyMatch(a -> a == axis);
      if (!reducedAxis) {
        out.add(x[i]);
      } else if (keep) {
        out.add(1L);
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  private static long[] keptShape(long[] x, long[] axes) {
    return reduced(x, axes, true);
  }

  private static long[] allAxes(int rank) {
    long[] axes = new long[rank];
    for (int i = 0; i < rank; i++) {
      axes[i] = i;
    }
    return axes;
  }

  private static long[] normalise(long[] axes, int rank) {
    return Arrays.stream(axes).map(a -> axis(a, rank)).toArray();
  }

  private static long[][] gatherShape(DiffGraph g, Node n) {
    long[] data = g.shape(n.input(0));
    long[] indices = g.shape(n.input(1));
    long[] out = Arrays.copyOf(indices, indices.length + data.length - 1);
    System.arraycopy(data, 1, out, indices.length, data.length - 1);
    return new long[][] {out};
  }

  private static int axis(long axis, int rank) {
    return (int) (axis < 0 ? axis + rank : axis);
  }

  private static long product(long[] shape) {
    long p = 1;
    for (long d : shape) {
      p *= d;
    }
    return p;
  }
}
