package dev.bond4j.stats;

import dev.bond4j.Problems;

/**
 * Two-sided 95% quantiles of Student's t distribution, for confidence intervals of a mean over a
 * handful of seeds. Exact table values (to 3 decimals) for 1 to 30 degrees of freedom; beyond, the
 * Cornish-Fisher expansion around the normal quantile, accurate to about 1e-4 there.
 */
public final class StudentT {
  private static final double[] QUANTILE_975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
      2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
      2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  private static final double NORMAL_975 = 1.959964;

  private StudentT() {}

  /** The 0.975 quantile of {@code t(df)}: the half-width of a 95% interval is this times the SE. */
  public static double quantile975(int df) {
    Problems.require(df >= 1, "df", df, "an integer >= 1");
    if (df <= QUANTILE_975.length) {
      return QUANTILE_975[df - 1];
    }
    double z = NORMAL_975;
    double z3 = z * z * z;
    double z5 = z3 * z * z;
    return z + (z3 + z) / (4.0 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df);
  }
}
