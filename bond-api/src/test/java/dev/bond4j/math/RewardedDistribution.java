package dev.bond4j.math;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * A random base distribution with rewards, for properties: a support of 1 to 12 elements, some
 * probabilities exactly 0, and integer reward levels so that ties are frequent.
 */
record RewardedDistribution(double[] probs, double[] rewards) {

  static Arbitrary<RewardedDistribution> any() {
    return Arbitraries.integers().between(1, 12).flatMap(size -> Combinators.combine(
        Arbitraries.doubles().between(0, 1).list().ofSize(size),
        Arbitraries.integers().between(1, 6).flatMap(levels ->
            Arbitraries.integers().between(0, levels - 1).list().ofSize(size)))
        .as(RewardedDistribution::normalised));
  }

  /** Distributions whose rewards are all distinct. */
  static Arbitrary<RewardedDistribution> distinctRewards() {
    return Arbitraries.integers().between(1, 12).flatMap(size -> Combinators.combine(
        Arbitraries.doubles().between(0, 1).list().ofSize(size),
        Arbitraries.integers().between(-1000, 1000).list().ofSize(size).uniqueElements())
        .as(RewardedDistribution::normalised));
  }

  private static RewardedDistribution normalised(List<Double> weights, List<Integer> levels) {
    double[] probs = weights.stream().mapToDouble(Double::doubleValue).toArray();
    double sum = Arrays.stream(probs).sum();
    if (sum == 0) {
      Arrays.fill(probs, 1.0 / probs.length);
    } else {
      for (int i = 0; i < probs.length; i++) {
        probs[i] /= sum;
      }
    }
    return new RewardedDistribution(probs, levels.stream().mapToDouble(Integer::doubleValue)
        .toArray());
  }

  DiscreteBestOfN law() {
    return DiscreteBestOfN.of(probs, rewards);
  }

  @Override
  public String toString() {
    return "probs=" + Arrays.toString(probs) + ", rewards=" + Arrays.toString(rewards);
  }
}
