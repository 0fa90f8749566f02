package dev.bond4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.algorithm.Metrics;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's generated training graphs against DJL: 20 seeded J-BOND steps of {@link
 * JBondEndToEndTest}'s run, from the same initial weights, follow the same loss curve within 1e-3.
 */
class JBondLossParityTest {
  private static final int STEPS = 20;

  @Test
  void twentyJBondStepsOnOnnxFollowDjlsLossCurve() throws Exception {
    double[] djl = JBondEndToEndTest.run("djl", "fp32", STEPS)
        .series(Metrics.LOSS_TOTAL);
    double[] onnx = JBondEndToEndTest.run("onnx", "fp32", STEPS)
        .series(Metrics.LOSS_TOTAL);
    assertThat(onnx).hasSize(STEPS).hasSameSizeAs(djl);
    double largest = 0;
    for (int step = 0; step < STEPS; step++) {
      largest = Math.max(largest, Math.abs(onnx[step] - djl[step]));
    }
    assertThat(largest).as("largest loss difference over 20 steps").isLessThan(1e-3);
  }
}
