package dev.bond4j.math;

import dev.bond4j.Problems;
import dev.bond4j.value.TokenSequence;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Picks the best of N scored candidates under a {@link TieRule} (SPEC S1): the rule the exact law
 * of {@link DiscreteBestOfN} describes. Used by Best-of-N sampling and by J-BOND's Best-of-2.
 */
public final class BestOfNSelector {
  private BestOfNSelector() {}

  /**
   * Index of the best candidate: the highest reward; ties broken by the larger token sequence
   * under STRICT, uniformly at random under UNIFORM.
   *
   * @param random used only by UNIFORM, and only when there is a tie
   */
  public static int select(List<TokenSequence> candidates, double[] rewards, TieRule rule,
      RandomGenerator random) {
    Problems.of("Best-of-N selection")
        .check(!candidates.isEmpty(), "candidates", candidates.size(), "at least one candidate")
        .check(rewards.length == candidates.size(), "rewards.length", rewards.length,
            "the number of candidates " + candidates.size())
        .throwIfAny();
    for (int i = 0; i < rewards.length; i++) {
      Problems.require(!Double.isNaN(rewards[i]), "rewards[" + i + "]", rewards[i], "not NaN");
    }
    int best = 0;
    int tiedCount = 1;
    for (int i = 1; i < rewards.length; i++) {
      if (rewards[i] > rewards[best]) {
        best = i;
        tiedCount = 1;
      } else if (rewards[i] == rewards[best]) {
        if (rule == TieRule.STRICT) {
          if (candidates.get(i).compareTo(candidates.get(best)) > 0) {
            best = i;
          }
        } else {
          tiedCount++;
          if (random.nextInt(tiedCount) == 0) {
            best = i;
          }
        }
      }
    }
    return best;
  }
}
