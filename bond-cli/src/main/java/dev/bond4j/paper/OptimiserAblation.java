package dev.bond4j.paper;

import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.value.OptimizerSettings;

/**
 * J-BOND's optimiser settings on one seed's testbed: for each learning rate and batch size of a
 * grid, the run's mean shortfall below the exact Best-of-N curve (smaller is better) over its
 * whole path and over the KL range every setting covers, with its final reward and KL.
 */
final class OptimiserAblation {
  /** Adam learning rates tried. */
  static final double[] LEARNING_RATES = {0.003, 0.01, 0.03};
  /** Prompts per step tried. */
  static final int[] BATCH_SIZES = {32, 64, 128};

  /** The KL range every setting covers, over which the settings are compared fairly. */
  static final double COMMON_KL = 0.5;

  private OptimiserAblation() {}

  static Measurement measure(SeedExperiments e) {
    Measurement m = Measurement.of("optimiser ablation");
    PaperTestbed t = e.testbed();
    for (double lr : LEARNING_RATES) {
      for (int batch : BATCH_SIZES) {
        String label = "J-BOND lr=" + lr + " batch=" + batch;
        Curve c = e.run(label, 2, OptimizerSettings.builder().learningRate(lr).build(),
            p -> Algorithms.jBond(p, t.reference(), t.reward(), t.prompts(), 0.5, 0.02, 0,
                e.training().toBuilder().batchSize(batch).build()));
        m.report(label + "/shortfall_below_best_of_n", e.curves().shortfallBelowBestOfN(c));
        m.report(label + "/shortfall_below_best_of_n_at_kl<=" + COMMON_KL,
            e.curves().shortfallBelowBestOfN(c, COMMON_KL));
        m.report(label + "/shortfall_below_frontier", e.curves().shortfallBelowFrontier(c));
        m.report(label + "/final_reward", Curve.last(c.reward()));
        m.report(label + "/final_kl_ref", Curve.last(c.klFromReference()));
      }
    }
    return m;
  }
}
