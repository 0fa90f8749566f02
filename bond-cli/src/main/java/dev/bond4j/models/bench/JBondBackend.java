package dev.bond4j.models.bench;

import dev.bond4j.models.DecoderConfig;
import dev.bond4j.models.TrainableDecoderPolicy;
import dev.bond4j.value.OptimizerSettings;

/**
 * What {@link JBondBenchmark} needs from an engine: its name, a fresh policy and the engine's
 * matrix-product rate.
 *
 * @param <P> the engine's trainable policy
 */
public interface JBondBackend<P extends TrainableDecoderPolicy<?>> {
  /** The engine and its version, for the JSON line's {@code engine} key. */
  String engine();

  /** A policy of {@code config} initialised with seed 1, on the CPU with {@code threads}. */
  P create(DecoderConfig config, OptimizerSettings optimizer, int threads);

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
