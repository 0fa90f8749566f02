package dev.bond4j.onnx.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.bond4j.BondException;
import dev.bond4j.onnx.export.OnnxGraph.ElementType;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each backward rule of {@link OpRules} against central finite differences: for random inputs
 * {@code x}, a random seed {@code r} and a random direction {@code d}, the generated gradient's
 * {@code <∇(r·y), d>} must match {@code (r·y(x + εd) − r·y(x − εd)) / 2ε}, run in ONNX Runtime in
 * float32, within {@code 1e-4 · (1 + Σ |∂_j · d_j|)}: tight enough that a slope off by 0.1% fails.
 */
class OpRulesTest {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  /** One op under test: parameter shapes, how to build the output, and an input offset. */
  record Case(String name, long[][] shapes, double offset,
      BiFunction<DiffGraph, List<String>, String> build) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    long[] a = {2, 3, 4};
    return Stream.of(
        new Case("Identity", new long[][] {a}, 0, (g, p) -> g.op("Identity", p)),
        new Case("Neg", new long[][] {a}, 0, (g, p) -> g.op("Neg", p)),
        new Case("Add broadcast", new long[][] {a, {4}}, 0, (g, p) -> g.op("Add", p)),
        new Case("Sub broadcast", new long[][] {{3, 1}, a}, 0, (g, p) -> g.op("Sub", p)),
        new Case("Mul broadcast", new long[][] {a, {1, 3, 4}}, 0, (g, p) -> g.op("Mul", p)),
        new Case("Div", new long[][] {{2, 3}, {3}}, 2, (g, p) -> g.op("Div", p)),
        new Case("Sqrt", new long[][] {a}, 2, (g, p) -> g.op("Sqrt", p)),
        new Case("Sigmoid", new long[][] {a}, 0, (g, p) -> g.op("Sigmoid", p)),
        new Case("Tanh", new long[][] {a}, 0, (g, p) -> g.op("Tanh", p)),
        new Case("Erf", new long[][] {a}, 0, (g, p) -> g.op("Erf", p)),
        new Case("Softmax", new long[][] {a}, 0, (g, p) -> g.op("Softmax", p, "axis", -1)),
        new Case("LogSoftmax", new long[][] {a}, 0,
            (g, p) -> g.op("LogSoftmax", p, "axis", -1)),
        new Case("MatMul by a matrix", new long[][] {a, {4, 5}}, 0, (g, p) -> g.op("MatMul", p)),
        new Case("MatMul batched", new long[][] {{2, 2, 3, 4}, {2, 2, 4, 5}}, 0,
            (g, p) -> g.op("MatMul", p)),
        new Case("MatMul broadcast", new long[][] {a, {1, 4, 5}}, 0, (g, p) -> g.op("MatMul", p)),
        new Case("Transpose", new long[][] {a}, 0,
            (g, p) -> g.op("Transpose", p, "perm", new long[] {2, 0, 1})),
        new Case("Reshape", new long[][] {a}, 0,
            (g, p) -> g.op("Reshape", List.of(p.get(0), g.longs(0, -1, 2, 2)))),
        new Case("Split, one part unused", new long[][] {a}, 0, (g, p) -> g.ops("Split", 2,
            List.of(p.get(0), g.longs(1, 3)), "axis", 2)[1]),
        new Case("Concat", new long[][] {a, {2, 3, 2}}, 0,
            (g, p) -> g.op("Concat", p, "axis", -1)),
        new Case("LayerNormalization", new long[][] {a, {4}, {4}}, 0,
            (g, p) -> g.ops("LayerNormalization", 3, p, "axis", -1, "epsilon", 1e-5f)[0]),
        new Case("ReduceMean", new long[][] {a}, 0, (g, p) -> g.op("ReduceMean", p,
            "axes", new long[] {-1}, "keepdims", 1)),
        new Case("ReduceSum", new long[][] {a}, 0,
            (g, p) -> g.op("ReduceSum", List.of(p.get(0), g.longs(0, 2)), "keepdims", 0)),
        new Case("Gather, repeated ids", new long[][] {{5, 3}}, 0,
            (g, p) -> g.op("Gather", List.of(p.get(0), g.longs(4, 0, 4, 2)))),
        new Case("GatherElements", new long[][] {{2, 3}}, 0, (g, p) -> g.op("GatherElements",
            List.of(p.get(0), g.input("index", ElementType.INT64, 2, 2)), "axis", 1)),
        new Case("chain of ops", new long[][] {a, {4, 4}}, 0, (g, p) -> {
          String h = g.op("MatMul", p);
          return g.op("Mul", List.of(g.op("Tanh", List.of(h)), g.op("Sigmoid", List.of(h))));
        })).map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesFiniteDifferences(Case c) throws OrtException {
    DiffGraph g = new DiffGraph("rule_" + c.name().replace(' ', '_').replace(",", ""));
    List<String> params = new ArrayList<>();
    for (int i = 0; i < c.shapes().length; i++) {
      params.add(g.parameter("p" + i, c.shapes()[i]));
    }
    String y = c.build().apply(g, params);
    String seed = g.input("seed", ElementType.FLOAT, g.shape(y));
    List<String> grads = g.gradients(Map.of(y, seed), params);
    g.output("y", y);
    for (int i = 0; i < grads.size(); i++) {
      g.output("grad" + i, grads.get(i));
    }
    SplittableRandom random = new SplittableRandom(c.name().hashCode());
    float[][] x = new float[params.size()][];
    float[][] d = new float[params.size()][];
    for (int i = 0; i < params.size(); i++) {
      x[i] = randoms(random, size(c.shapes()[i]), c.offset(), 1);
      d[i] = randoms(random, x[i].length, 0, 1);
    }
    float[] r = randoms(random, (int) size(g.shape(y)), 0, 1);
    try (OrtSession session = ENV.createSession(g.toBytes(), new OrtSession.SessionOptions())) {
      Map<String, float[]> at = run(session, c, x, r);
      double analytic = 0;
      double scale = 0;
      for (int i = 0; i < params.size(); i++) {
        float[] grad = at.get("grad" + i);
        assertThat(grad).hasSize(x[i].length);
        for (int j = 0; j < grad.length; j++) {
          analytic += grad[j] * d[i][j];
          scale += Math.abs(grad[j] * d[i][j]);
        }
      }
      double epsilon = 1e-2;
      double numeric = (dot(run(session, c, shifted(x, d, epsilon), r).get("y"), r)
          - dot(run(session, c, shifted(x, d, -epsilon), r).get("y"), r)) / (2 * epsilon);
      assertThat(analytic).as(c.name()).isCloseTo(numeric,
          org.assertj.core.data.Offset.offset(1e-4 * (1 + scale)));
    }
  }

  @Test
  void anOpWithoutARuleIsNamedInOneLine() {
    DiffGraph g = new DiffGraph("missing");
    String x = g.parameter("x", 2);
    assertThatThrownBy(() -> g.op("Cos", List.of(x)))
        .isInstanceOf(BondException.class)
        .hasMessageContaining("The ONNX op Cos has no backward rule")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aParameterTheOutputIgnoresGetsZeros() throws OrtException {
    DiffGraph g = new DiffGraph("unused");
    String x = g.parameter("x", 3);
    String unused = g.parameter("unused", 2);
    String y = g.op("Neg", List.of(x));
    List<String> grads = g.gradients(Map.of(y, g.scalar(1)), List.of(x, unused));
    g.output("grad", grads.get(1));
    try (OrtSession session = ENV.createSession(g.toBytes(), new OrtSession.SessionOptions());
        OnnxTensor tx = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[3]),
            new long[] {3});
        OnnxTensor tu = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[] {1, 2}),
            new long[] {2});
        OrtSession.Result result = session.run(Map.of("x", tx, "unused", tu))) {
      assertThat(((float[]) result.get(0).getValue())).containsExactly(0f, 0f);
    }
  }

  private static Map<String, float[]> run(OrtSession session, Case c, float[][] x, float[] r)
      throws OrtException {
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      for (int i = 0; i < x.length; i++) {
        inputs.put("p" + i, OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x[i]), c.shapes()[i]));
      }
      long[] seedShape = session.getInputInfo().get("seed").getInfo() instanceof
          ai.onnxruntime.TensorInfo info ? info.getShape() : new long[0];
      inputs.put("seed", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(r), seedShape));
      if (session.getInputNames().contains("index")) {
        inputs.put("index", OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[] {2, 2, 0, 1}),
            new long[] {2, 2}));
      }
      Map<String, float[]> out = new LinkedHashMap<>();
      try (OrtSession.Result result = session.run(inputs)) {
        result.forEach(e -> {
          FloatBuffer buffer = ((OnnxTensor) e.getValue()).getFloatBuffer();
          float[] values = new float[buffer.remaining()];
          buffer.get(values);
          out.put(e.getKey(), values);
        });
      }
      return out;
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private static float[][] shifted(float[][] x, float[][] d, double epsilon) {
    float[][] out = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = new float[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        out[i][j] = (float) (x[i][j] + epsilon * d[i][j]);
      }
    }
    return out;
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  private static float[] randoms(SplittableRandom random, long n, double offset, double scale) {
    float[] out = new float[(int) n];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (offset + scale * (random.nextDouble() * 2 - 1));
    }
    return out;
  }

  private static long size(long[] shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return n;
  }
}
