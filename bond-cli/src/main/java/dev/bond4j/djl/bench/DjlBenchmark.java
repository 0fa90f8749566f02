package dev.bond4j.djl.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.djl.DjlPolicy;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.bench.BenchmarkMain;
import dev.bond4j.decoder.bench.GemmRate;
import dev.bond4j.decoder.bench.JBondBackend;
import dev.bond4j.decoder.bench.JBondBenchmark;
import dev.bond4j.spi.Precision;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.spi.BackendOptions;

/**
 * Times J-BOND steps of the DJL backend on a randomly initialised GPT-2 and prints one JSON
 * object: the shared {@link JBondBenchmark} (options, JSON keys and FLOP count are described
 * there) on DJL's PyTorch engine. {@code gemm_gflops} is measured before and after the steps, the
 * better of the two being kept (the more conservative MFU).
 *
 * <pre>
 * java -cp ... dev.bond4j.djl.bench.DjlBenchmark --d-model 128 --layers 2 --heads 4 --vocab 256 \
 *     --batch 16 --prompt 16 --new-tokens 48 --threads 1 --steps 20 --warmup 3
 * </pre>
 *
 * <p>{@code --exact-gelu 1} gives the model the exact (erf) GELU instead of GPT-2's tanh form;
 * {@code --precision bf16} runs the products with weights in bfloat16.
 */
public final class DjlBenchmark implements JBondBackend<DjlPolicy> {
  /** The benchmark backend, as {@code bond bench} loads it. */
  public DjlBenchmark() {}

  /** Runs the benchmark and prints its JSON line; bad options exit with status 2. */
  public static void main(String[] argv) throws Exception {
    BenchmarkMain.run(DjlBenchmark::run, argv);
  }

  /** Runs the benchmark with command-line options and returns its JSON object. */
  public static String run(String[] argv) throws Exception {
    return JBondBenchmark.run(new DjlBenchmark(), argv);
  }

  @Override
  public String backend() {
    return "djl";
  }

  @Override
  public String engine() {
    return "PyTorch " + Engine.getEngine("PyTorch").getVersion();
  }

  @Override
  public DjlPolicy create(DecoderConfig config, OptimizerSettings optimizer, int threads) {
    return create(config, optimizer, threads, "fp32");
  }

  @Override
  public DjlPolicy create(DecoderConfig config, OptimizerSettings optimizer, int threads,
      String precision) {
    return DjlPolicy.create(config, 1, optimizer,
        BackendOptions.builder().threads(threads).precision(Precision.parse(precision))
            .build());
  }

  @Override
  public double gemmGflops(int n) {
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray a = manager.randomNormal(new Shape(n, n));
      NDArray b = manager.randomNormal(new Shape(n, n));
      JniUtils.setGradMode(false);
      return GemmRate.gflops(n, () -> {
        try (NDArray c = a.matMul(b)) {
          c.toFloatArray();
        }
      });
    }
  }

  @Override
  public boolean gemmBeforeSteps() {
    return true;
  }
}
