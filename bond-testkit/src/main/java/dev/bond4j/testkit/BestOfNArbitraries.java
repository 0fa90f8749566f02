package dev.bond4j.testkit;

import dev.bond4j.Problems;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries of the inputs of Best-of-N mathematics: base distributions with ties and
 * zero-probability atoms, reward vectors with a chosen number of levels, and both together.
 *
 * <p>Every value is built by a map from unconstrained parts (non-negative weights, integer
 * levels), so whatever jqwik shrinks to is still valid: weights shrink toward 0 and a vector of
 * zero weights becomes the uniform distribution; reward levels shrink toward one tie class.
 */
public final class BestOfNArbitraries {
  /** Largest support of {@link #rewardedDistributions()}. */
  public static final int DEFAULT_MAX_SIZE = 12;
  /** Largest number of reward levels of {@link #rewardedDistributions()}. */
  public static final int DEFAULT_MAX_LEVELS = 6;

  private BestOfNArbitraries() {}

  /**
   * Probability vectors of {@code minSize} to {@code maxSize} elements. About one weight in five
   * is exactly 0 (a zero-probability atom) and about one in three is a small integer, so equal
   * probabilities (ties in the base) are frequent; the rest have two decimals.
   */
  public static Arbitrary<double[]> baseDistributions(int minSize, int maxSize) {
    Problems.of("baseDistributions").atLeast("minSize", minSize, 1)
        .atLeast("maxSize", maxSize, minSize).throwIfAny();
    Arbitrary<Double> weight = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(0.0)),
        Tuple.of(3, Arbitraries.integers().between(1, 3).map(Integer::doubleValue)),
        Tuple.of(5, Arbitraries.doubles().between(0, 1)));
    return weight.list().ofMinSize(minSize).ofMaxSize(maxSize)
        .map(BestOfNArbitraries::normalised);
  }

  /**
   * Reward vectors of {@code size} elements, each one of the {@code levels} values {@code 0, 1,
   * ..., levels - 1}: at most {@code levels} distinct rewards, so fewer levels mean larger tie
   * classes. One level makes every element tie.
   */
  public static Arbitrary<double[]> rewards(int size, int levels) {
    Problems.of("rewards").atLeast("size", size, 1).atLeast("levels", levels, 1).throwIfAny();
    return Arbitraries.integers().between(0, levels - 1).list().ofSize(size)
        .map(BestOfNArbitraries::toDoubles);
  }

  /** Reward vectors of {@code size} pairwise distinct integers in [-1000, 1000]: no ties. */
  public static Arbitrary<double[]> distinctRewards(int size) {
    Problems.require(size >= 1 && size <= 2001, "size", size, "an integer in [1, 2001]");
    return Arbitraries.integers().between(-1000, 1000).list().ofSize(size).uniqueElements()
        .map(BestOfNArbitraries::toDoubles);
  }

  /**
   * Base distributions of 1 to {@value #DEFAULT_MAX_SIZE} elements with rewards of 1 to
   * {@value #DEFAULT_MAX_LEVELS} levels.
   */
  public static Arbitrary<RewardedDistribution> rewardedDistributions() {
    return rewardedDistributions(DEFAULT_MAX_SIZE, DEFAULT_MAX_LEVELS);
  }

  /**
   * Base distributions of 1 to {@code maxSize} elements with rewards of 1 to {@code maxLevels}
   * levels (the level count is drawn too).
   */
  public static Arbitrary<RewardedDistribution> rewardedDistributions(int maxSize,
      int maxLevels) {
    Problems.of("rewardedDistributions").atLeast("maxSize", maxSize, 1)
        .atLeast("maxLevels", maxLevels, 1).throwIfAny();
    return Arbitraries.integers().between(1, maxSize).flatMap(size -> Combinators.combine(
        baseDistributions(size, size),
        Arbitraries.integers().between(1, maxLevels).flatMap(levels -> rewards(size, levels)))
        .as(RewardedDistribution::new));
  }

  /** Base distributions of 1 to {@value #DEFAULT_MAX_SIZE} elements whose rewards all differ. */
  public static Arbitrary<RewardedDistribution> withDistinctRewards() {
    return Arbitraries.integers().between(1, DEFAULT_MAX_SIZE).flatMap(size ->
        Combinators.combine(baseDistributions(size, size), distinctRewards(size))
            .as(RewardedDistribution::new));
  }

  private static double[] normalised(List<Double> weights) {
    double[] probs = weights.stream().mapToDouble(Double::doubleValue).toArray();
    double sum = Arrays.stream(probs).sum();
    if (sum == 0) {
      Arrays.fill(probs, 1.0 / probs.length);
    } else {
      for (int i = 0; i < probs.length; i++) {
        probs[i] /= sum;
      }
    }
    return probs;
  }

  private static double[] toDoubles(List<Integer> values) {
    return values.stream().mapToDouble(Integer::doubleValue).toArray();
  }
}
