package dev.bond4j.paper;

import dev.bond4j.math.KullbackLeibler;

/**
 * The exact reward/KL frontier of a testbed: for each KL budget, the largest {@code E[r]} any
 * policy reaches, attained by the exponential tilt {@code π_λ ∝ π_ref · exp(λ r)} with one
 * {@code λ} shared by all prompts (a Lagrangian argument).
 */
final class RewardKlFrontier {
  private final PaperTestbed testbed;

  RewardKlFrontier(PaperTestbed testbed) {
    this.testbed = testbed;
  }

  /** The frontier's reward at {@code kl}, found by bisection on {@code λ}. */
  double rewardAt(double kl) {
    double lo = 0;
    double hi = 1;
    while (tilt(hi)[1] < kl) {
      hi *= 2;
    }
    for (int i = 0; i < 100; i++) {
      double mid = (lo + hi) / 2;
      if (tilt(mid)[1] < kl) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return tilt((lo + hi) / 2)[0];
  }

  /** {reward, KL} of the tilt {@code λ}, averaged over prompts. */
  private double[] tilt(double lambda) {
    double reward = 0;
    double kl = 0;
    for (int c = 0; c < testbed.contexts(); c++) {
      double[] ref = testbed.reference().distribution(c);
      double[] r = testbed.reward().rewards(c);
      double max = Double.NEGATIVE_INFINITY;
      for (double value : r) {
        max = Math.max(max, value);
      }
      double[] tilted = new double[ref.length];
      double z = 0;
      for (int i = 0; i < ref.length; i++) {
        tilted[i] = ref[i] * Math.exp(lambda * (r[i] - max));
        z += tilted[i];
      }
      for (int i = 0; i < ref.length; i++) {
        tilted[i] /= z;
        reward += tilted[i] * r[i] / testbed.contexts();
      }
      kl += KullbackLeibler.divergence(tilted, ref) / testbed.contexts();
    }
    return new double[] {reward, kl};
  }
}
