package dev.bond4j.onnx.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.bond4j.NativeEngineException;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.bench.BenchmarkMain;
import dev.bond4j.decoder.bench.GemmRate;
import dev.bond4j.decoder.bench.JBondBackend;
import dev.bond4j.decoder.bench.JBondBenchmark;
import dev.bond4j.onnx.OnnxOptions;
import dev.bond4j.onnx.OnnxTrainablePolicy;
import dev.bond4j.onnx.export.OnnxGraph.ElementType;
import dev.bond4j.onnx.train.DiffGraph;
import dev.bond4j.value.OptimizerSettings;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times J-BOND steps of the ONNX Runtime backend ({@link OnnxTrainablePolicy}: generated training
 * graphs) on a randomly initialised GPT-2 and prints one JSON object: the shared {@link
 * JBondBenchmark} (options, JSON keys and FLOP count are described there), so that its figures sit
 * beside DJL's. {@code gemm_gflops} is ONNX Runtime's own square {@code MatMul}, measured before
 * and after the steps.
 *
 * <pre>
 * java -cp ... dev.bond4j.onnx.bench.OnnxJBondBenchmark --d-model 128 --layers 2 --heads 4 \
 *     --vocab 256 --batch 16 --prompt 16 --new-tokens 48 --threads 1 --steps 20 --warmup 3
 * </pre>
 */
public final class OnnxJBondBenchmark implements JBondBackend<OnnxTrainablePolicy> {
  private int threads = 1;

  /** The benchmark, as {@code bond bench --backend onnx} finds it through the service loader. */
  public OnnxJBondBenchmark() {}

  /** Runs the benchmark and prints its JSON line; bad options exit with status 2. */
  public static void main(String[] argv) throws Exception {
    BenchmarkMain.run(OnnxJBondBenchmark::run, argv);
  }

  /** Runs the benchmark with command-line options and returns its JSON object. */
  public static String run(String[] argv) throws Exception {
    return JBondBenchmark.run(new OnnxJBondBenchmark(), argv);
  }

  @Override
  public String backend() {
    return "onnx";
  }

  @Override
  public String engine() {
    return "ONNX Runtime " + environment().getVersion();
  }

  @Override
  public OnnxTrainablePolicy create(DecoderConfig config, OptimizerSettings optimizer,
      int threads) {
    this.threads = threads;
    return OnnxTrainablePolicy.create(config, 1, optimizer, OnnxOptions.cpu()
        .withThreads(threads));
  }

  @Override
  public double gemmGflops(int n) {
    DiffGraph graph = new DiffGraph("gemm");
    String a = graph.input("a", ElementType.FLOAT, n, n);
    String b = graph.input("b", ElementType.FLOAT, n, n);
    graph.output("c", graph.op("MatMul", List.of(a, b)));
    OrtEnvironment environment = environment();
    SplittableRandom random = new SplittableRandom(1);
    float[] values = new float[n * n];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      try (OrtSession session = environment.createSession(graph.toBytes(), options);
          OnnxTensor left = OnnxTensor.createTensor(environment, FloatBuffer.wrap(values),
              new long[] {n, n});
          OnnxTensor right = OnnxTensor.createTensor(environment, FloatBuffer.wrap(values),
              new long[] {n, n})) {
        return GemmRate.gflops(n, () -> {
          try (OrtSession.Result result = session.run(Map.of("a", left, "b", right))) {
            result.get(0);
          } catch (OrtException e) {
            throw new NativeEngineException("ONNX Runtime failed a MatMul: " + e, e);
          }
        });
      }
    } catch (OrtException e) {
      throw new NativeEngineException("ONNX Runtime cannot run a MatMul: " + e, e);
    }
  }

  /** The process's environment, with the level and name the backend's sessions use. */
  private static OrtEnvironment environment() {
    return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "bond4j");
  }

  @Override
  public boolean gemmBeforeSteps() {
    return true;
  }
}
