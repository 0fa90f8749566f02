package dev.bond4j.testkit;

import dev.bond4j.math.DiscreteBestOfN;
import dev.bond4j.math.TieRule;
import java.util.Arrays;

/**
 * A base distribution over an enumerated support with one reward per element: the input of the
 * exact Best-of-N law. {@link BestOfNArbitraries} generates them; accessors return copies.
 *
 * @param probs base probabilities, summing to 1; some may be exactly 0
 * @param rewards one reward per element; equal rewards form tie classes
 */
public record RewardedDistribution(double[] probs, double[] rewards) {

  /** Copies both arrays; {@link DiscreteBestOfN#of} checks them when the law is built. */
  public RewardedDistribution {
    probs = probs.clone();
    rewards = rewards.clone();
  }

  @Override
  public double[] probs() {
    return probs.clone();
  }

  @Override
  public double[] rewards() {
    return rewards.clone();
  }

  /** Number of support elements. */
  public int size() {
    return probs.length;
  }

  /** The exact Best-of-N law of this base and reward. */
  public DiscreteBestOfN law() {
    return DiscreteBestOfN.of(probs, rewards);
  }

  /** The Best-of-{@code n} distribution under {@code rule}, in support order. */
  public double[] bestOf(int n, TieRule rule) {
    return law().law(n, rule);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RewardedDistribution other && Arrays.equals(probs, other.probs)
        && Arrays.equals(rewards, other.rewards);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(probs) + Arrays.hashCode(rewards);
  }

  @Override
  public String toString() {
    return "probs=" + Arrays.toString(probs) + ", rewards=" + Arrays.toString(rewards);
  }
}
