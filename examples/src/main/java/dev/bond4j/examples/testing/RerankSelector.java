package dev.bond4j.examples.testing;

import dev.bond4j.value.TokenSequence;
import java.util.List;

/**
 * A user-written Best-of-N selector, as a reranking service might have one: keep the candidate
 * of highest reward and, among equal rewards, the lexicographically largest token sequence (the
 * STRICT tie rule of bond4j). The example tests hold it against the exact Best-of-N law with
 * bond-testkit.
 */
public final class RerankSelector {
  private RerankSelector() {}

  /** Index of the best of {@code candidates}, scored by {@code rewards}. */
  public static int best(List<TokenSequence> candidates, double[] rewards) {
    if (candidates.isEmpty() || candidates.size() != rewards.length) {
      throw new IllegalArgumentException("candidates = " + candidates.size() + ", rewards = "
          + rewards.length + ": expected as many rewards as candidates, at least one");
    }
    int best = 0;
    for (int i = 1; i < rewards.length; i++) {
      boolean higher = rewards[i] > rewards[best];
      boolean tieWonByOrder = rewards[i] == rewards[best]
          && candidates.get(i).compareTo(candidates.get(best)) > 0;
      if (higher || tieWonByOrder) {
        best = i;
      }
    }
    return best;
  }
}
