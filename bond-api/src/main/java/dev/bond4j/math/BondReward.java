package dev.bond4j.math;

import dev.bond4j.Problems;

/**
 * The BOND reward and its RLHF equivalence (SPEC S3, Eq. 7-8):
 * {@code r_BOND(y) = log p≤(y) + (1/(N−1)) · log C(y)} with {@code β_BOND = 1/(N−1)}, so that
 * {@code π_BoN(y) ∝ π_ref(y) · exp(r_BOND(y) / β_BOND)}. It depends only on ranks. In practice
 * the second term is dropped: {@code r_BOND ≈ log p̂≤}.
 */
public final class BondReward {
  private BondReward() {}

  /** {@code β_BOND = 1/(N−1)}, for {@code N >= 2}. */
  public static double beta(int n) {
    Problems.require(n >= 2, "n", n, "an integer >= 2 (β_BOND = 1/(N−1))");
    return 1.0 / (n - 1);
  }

  /** The exact {@code r_BOND} from {@code p≤(y)} and the correction factor {@code C(y)}. */
  public static double exact(double quantile, double correction, int n) {
    double beta = beta(n);
    Problems.of("r_BOND").inClosed("quantile", quantile, 0, 1)
        .inClosed("correction", correction, 1, n).throwIfAny();
    return Math.log(quantile) + beta * Math.log(correction);
  }

  /** The practical {@code r_BOND ≈ log p̂≤(y)} (§4.2). */
  public static double approximate(double quantile) {
    Problems.require(quantile >= 0 && quantile <= 1, "quantile", quantile, "a number in [0, 1]");
    return Math.log(quantile);
  }

  /**
   * {@code log π_BoN(y) = log π_base(y) + (N−1) log p̂≤(y) + log Ĉ(y)} (SPEC S5, evaluation).
   */
  public static double logBestOfN(double logBase, double quantile, double correction, int n) {
    DiscreteBestOfN.requireN(n);
    return logBase + (n - 1) * Math.log(quantile) + Math.log(correction);
  }
}
