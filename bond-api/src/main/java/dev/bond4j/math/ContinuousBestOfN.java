package dev.bond4j.math;

import dev.bond4j.Problems;

/**
 * Best-of-N of a base with a continuous reward distribution (SPEC S2, App. A.2), where ties have
 * probability zero and the correction factor tends to {@code N}.
 */
public final class ContinuousBestOfN {
  private ContinuousBestOfN() {}

  /** The Best-of-N density {@code N f(y) F(y)^(N−1)} at a point with density f and CDF F. */
  public static double density(double f, double cdf, int n) {
    DiscreteBestOfN.requireN(n);
    Problems.of("continuous Best-of-N density").check(f >= 0, "f", f, "a density >= 0")
        .inClosed("cdf", cdf, 0, 1).throwIfAny();
    return n * f * Math.pow(cdf, n - 1);
  }

  /**
   * {@code KL(π_BoN || π_ref) = log N − (N−1)/N}: exact for continuous rewards, an upper bound on
   * the discrete value.
   */
  public static double klFromBase(int n) {
    DiscreteBestOfN.requireN(n);
    return Math.log(n) - (n - 1.0) / n;
  }
}
