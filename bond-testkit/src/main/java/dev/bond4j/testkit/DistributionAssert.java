package dev.bond4j.testkit;

import dev.bond4j.Problems;
import dev.bond4j.math.DiscreteBestOfN;
import dev.bond4j.math.KullbackLeibler;
import dev.bond4j.math.TieRule;
import java.util.Arrays;
import org.assertj.core.api.AbstractDoubleArrayAssert;

/**
 * Assertions on a probability vector over an enumerated support (index {@code i} is support
 * element {@code i}). It is also an AssertJ double-array assertion. Comparisons allow an absolute
 * difference of {@link #DEFAULT_TOLERANCE} per element unless {@link #withTolerance} says
 * otherwise.
 */
public final class DistributionAssert extends AbstractDoubleArrayAssert<DistributionAssert> {
  /** Default largest absolute difference per element. */
  public static final double DEFAULT_TOLERANCE = 1e-9;

  private double tolerance = DEFAULT_TOLERANCE;

  DistributionAssert(double[] actual) {
    super(actual, DistributionAssert.class);
  }

  /** Compares elements up to {@code tolerance} in absolute value from now on. */
  public DistributionAssert withTolerance(double tolerance) {
    Problems.require(tolerance >= 0 && Double.isFinite(tolerance), "tolerance", tolerance,
        "a finite number >= 0");
    this.tolerance = tolerance;
    return this;
  }

  /** Checks that the elements lie in [0, 1] and sum to 1, up to the tolerance. */
  public DistributionAssert isADistribution() {
    isNotNull();
    for (int i = 0; i < actual.length; i++) {
      if (!(actual[i] >= -tolerance && actual[i] <= 1 + tolerance)) {
        failWithMessage("Expected a probability distribution, but element %d is %s, outside"
            + " [0, 1]: %s", i, actual[i], Arrays.toString(actual));
      }
    }
    double sum = Arrays.stream(actual).sum();
    if (!(Math.abs(sum - 1) <= tolerance * Math.max(1, actual.length))) {
      failWithMessage("Expected a probability distribution, but the elements sum to %s"
          + " (%+.3g from 1): %s", sum, sum - 1, Arrays.toString(actual));
    }
    return this;
  }

  /**
   * Checks that the distribution is the exact Best-of-{@code n} law of {@code base} with {@code
   * rewards} under {@code rule} (SPEC S1-S2): the law of the best of {@code n} independent draws
   * from {@code base}.
   *
   * @param base the base probabilities, one per support element
   * @param rewards the reward of each support element
   * @param n the number of draws, {@code >= 1}
   * @param rule how ties in reward are broken
   */
  public DistributionAssert isBestOfN(double[] base, double[] rewards, int n, TieRule rule) {
    isNotNull();
    double[] expected = DiscreteBestOfN.of(base, rewards).law(n, rule);
    String law = String.format("the Best-of-%d law (%s) of base %s with rewards %s", n, rule,
        Arrays.toString(base), Arrays.toString(rewards));
    if (actual.length != expected.length) {
      failWithMessage("Expected %s, but the distribution has %d elements and the base %d",
          law, actual.length, expected.length);
    }
    Differences differences = Differences.between(actual, expected, tolerance, 0,
        i -> "element " + i + " (reward " + rewards[i] + ")");
    if (!differences.none()) {
      failWithMessage("Expected %s, but %s (tolerance %s).%nactual:   %s%nexpected: %s", law,
          differences.describe(expected.length, "elements"), tolerance,
          Arrays.toString(actual), Arrays.toString(expected));
    }
    return this;
  }

  /**
   * The divergence {@code KL(actual ‖ reference)}, for bounds such as {@code
   * hasKlFrom(reference).atMost(0.1)}.
   */
  public KlAssert hasKlFrom(double[] reference) {
    isNotNull();
    Problems.require(reference.length == actual.length, "reference.length", reference.length,
        "the distribution's length " + actual.length);
    double kl = KullbackLeibler.divergence(actual, reference);
    return new KlAssert(new double[] {kl}, "the distribution").as(info.description());
  }
}
