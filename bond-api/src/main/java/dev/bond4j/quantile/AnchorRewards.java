package dev.bond4j.quantile;

import dev.bond4j.Problems;
import dev.bond4j.value.Rollout;
import java.util.List;

/** Input handling the sample-based quantile estimators share. */
final class AnchorRewards {
  private AnchorRewards() {}

  /** The rewards of {@code targets}. */
  static double[] of(List<Rollout> targets) {
    double[] rewards = new double[targets.size()];
    for (int i = 0; i < rewards.length; i++) {
      rewards[i] = targets.get(i).reward();
    }
    return rewards;
  }

  /** Checks that {@code referenceRewards} holds {@code expected} numbers. */
  static void require(String subject, double[] referenceRewards, int expected) {
    Problems problems = Problems.of(subject)
        .check(referenceRewards.length == expected, "referenceRewards.length",
            referenceRewards.length, "the configured sample count " + expected);
    for (int i = 0; i < referenceRewards.length; i++) {
      problems.check(!Double.isNaN(referenceRewards[i]), "referenceRewards[" + i + "]",
          referenceRewards[i], "a number, not NaN");
    }
    problems.throwIfAny();
  }
}
