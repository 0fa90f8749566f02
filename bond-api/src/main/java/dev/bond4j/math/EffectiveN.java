package dev.bond4j.math;

import dev.bond4j.Problems;

/**
 * The effective Best-of-N a policy corresponds to, from its mean log-quantile against the
 * reference (SPEC S10): {@code N_eff = −1 / E[log p≤]}. For continuous rewards under Best-of-N,
 * {@code p≤(Y) ~ Beta(N, 1)} and {@code E[log p≤] = −1/N}, so the formula is exact there.
 */
public final class EffectiveN {
  private EffectiveN() {}

  /** {@code N_eff} from {@code E[log p≤]}, which must be {@code < 0}. */
  public static double fromMeanLogQuantile(double meanLogQuantile) {
    Problems.require(meanLogQuantile < 0, "meanLogQuantile", meanLogQuantile, "a number < 0");
    return -1.0 / meanLogQuantile;
  }
}
