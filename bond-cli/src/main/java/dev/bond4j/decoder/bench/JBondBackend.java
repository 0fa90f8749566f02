package dev.bond4j.decoder.bench;

import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.TrainableDecoderPolicy;
import dev.bond4j.value.OptimizerSettings;

/**
 * What {@link JBondBenchmark} needs from an engine: its name, a fresh policy and the engine's
 * matrix-product rate. Backends register theirs under {@code
 * META-INF/services/dev.bond4j.decoder.bench.JBondBackend}, where {@code bond bench} finds it by
 * {@link #backend()}.
 *
 * @param <P> the engine's trainable policy
 */
public interface JBondBackend<P extends TrainableDecoderPolicy<?>> {
  /** The backend's service name ({@code djl}, {@code dl4j}), as {@code --backend} names it. */
  String backend();

  /** The engine and its version, for the JSON line's {@code engine} key. */
  String engine();

  /** A float32 policy of {@code config} initialised with seed 1, on the CPU with {@code threads}. */
  P create(DecoderConfig config, OptimizerSettings optimizer, int threads);

  /**
   * A policy as {@link #create(DecoderConfig, OptimizerSettings, int)} in {@code precision}
   * ({@code fp32} or {@code bf16}); by default only {@code fp32}.
   *
   * @throws IllegalArgumentException in one line when the engine has no such precision
   */
  default P create(DecoderConfig config, OptimizerSettings optimizer, int threads,
      String precision) {
    if (!precision.equals("fp32")) {
      throw new IllegalArgumentException("--precision " + precision + ": the " + backend()
          + " backend computes in fp32 only");
    }
    return create(config, optimizer, threads);
  }

  /** The rate of a square float32 {@code n × n} matrix product on the engine, in GFLOP/s. */
  double gemmGflops(int n);

  /**
   * Whether the GEMM rate is also measured before the steps, the better of the two being kept (a
   * busy machine slows a GEMM down, and the larger rate gives the more conservative MFU);
   * otherwise it is measured once, after the steps.
   */
  default boolean gemmBeforeSteps() {
    return false;
  }
}
