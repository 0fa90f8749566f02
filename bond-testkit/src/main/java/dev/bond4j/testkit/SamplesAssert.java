package dev.bond4j.testkit;

import dev.bond4j.Problems;
import dev.bond4j.stats.ChiSquare;
import java.util.Arrays;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on draws from a distribution over an enumerated support: a seeded Pearson
 * goodness-of-fit test against an exact law, at a significance level fixed before the run.
 */
public final class SamplesAssert extends AbstractAssert<SamplesAssert, Samples> {
  /** Significance level of {@link #followLaw(double[])}. */
  public static final double DEFAULT_SIGNIFICANCE = 1e-3;
  /** Cells expected fewer draws than this are pooled with the next (in support order). */
  public static final double MIN_EXPECTED_PER_CELL = 5;

  SamplesAssert(Samples actual) {
    super(actual, SamplesAssert.class);
  }

  /** {@link #followLaw(double[], double)} at significance {@value #DEFAULT_SIGNIFICANCE}. */
  public SamplesAssert followLaw(double[] law) {
    return followLaw(law, DEFAULT_SIGNIFICANCE);
  }

  /**
   * Checks that the draws are consistent with {@code law}: every draw lies in the support and on
   * an element of positive probability, and Pearson's chi-square test (cells of fewer than
   * {@value #MIN_EXPECTED_PER_CELL} expected draws pooled) does not reject at level {@code
   * alpha}. A correct sampler fails with probability about {@code alpha}; fix the seed.
   *
   * @param law the probability of each support element, summing to 1 (within 1e-6)
   * @param alpha the significance level, in (0, 1)
   */
  public SamplesAssert followLaw(double[] law, double alpha) {
    isNotNull();
    double mass = Arrays.stream(law).sum();
    Problems.of("followLaw").check(alpha > 0 && alpha < 1, "alpha", alpha, "a number in (0, 1)")
        .check(actual.size() > 0, "samples", actual.size(), "at least one draw")
        .check(Arrays.stream(law).allMatch(p -> p >= 0) && Math.abs(mass - 1) <= 1e-6,
            "law", Arrays.toString(law), "probabilities >= 0 that sum to 1 (they sum to " + mass
                + ")")
        .throwIfAny();
    long[] counts = new long[law.length];
    for (int i = 0; i < actual.size(); i++) {
      int index = actual.index(i);
      if (index < 0 || index >= law.length) {
        failWithMessage("Expected every draw in the law's support of %d elements, but draw %d"
            + " (%s) is not", law.length, i, actual.describe(i));
      }
      if (law[index] <= 0) {
        failWithMessage("Expected draws only where the law is positive, but draw %d (%s) is"
            + " element %d, of probability %s", i, actual.describe(i), index, law[index]);
      }
      counts[index]++;
    }
    ChiSquare.Fit fit = ChiSquare.goodnessOfFit(counts, law, MIN_EXPECTED_PER_CELL);
    if (!(fit.pValue() > alpha)) {
      String p = fit.pValue() > 0 ? String.format("p = %.3g", fit.pValue()) : "p < 1e-300";
      failWithMessage("Expected %d draws to follow the law (Pearson chi-square at α = %s), but"
          + " %s (χ² = %.4g, %d df over %d pooled cells); %s.%nobserved: %s%nexpected: %s",
          actual.size(), alpha, p, fit.statistic(), fit.degreesOfFreedom(),
          fit.cells(), largestDeviation(counts, law), Arrays.toString(counts),
          Arrays.toString(expectedCounts(law)));
    }
    return this;
  }

  private String largestDeviation(long[] counts, double[] law) {
    int worst = 0;
    double worstZ = -1;
    for (int i = 0; i < law.length; i++) {
      double expected = law[i] * actual.size();
      double z = expected > 0 ? Math.abs(counts[i] - expected) / Math.sqrt(expected) : 0;
      if (z > worstZ) {
        worst = i;
        worstZ = z;
      }
    }
    double expected = law[worst] * actual.size();
    return String.format("largest deviation at element %d: observed %d, expected %.1f"
        + " (Pearson residual %+.1f)", worst, counts[worst], expected,
        (counts[worst] - expected) / Math.sqrt(expected));
  }

  private double[] expectedCounts(double[] law) {
    double[] out = new double[law.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.round(law[i] * actual.size() * 10) / 10.0;
    }
    return out;
  }
}
