package dev.bond4j.math;

import dev.bond4j.Problems;

/**
 * The J-BOND reward (SPEC S7.3, App. A.4): {@code r_J(y) = −log 16} when the policy sample's
 * reward is strictly below both anchor samples' rewards, else 0. Its expectation
 * {@code −log(16) · (1 − p≤(y))²} equals {@code log p≤(y)} exactly at {@code p≤(y) = 1/2}.
 */
public final class JBondReward {
  /** The penalty {@code −log 16}. */
  public static final double PENALTY = -Math.log(16.0);

  private JBondReward() {}

  /** {@code r_J} of a policy sample with reward {@code reward} against two anchor samples. */
  public static double of(double reward, double anchorReward1, double anchorReward2) {
    Problems.of("r_J").check(!Double.isNaN(reward), "reward", reward, "a number, not NaN")
        .check(!Double.isNaN(anchorReward1), "anchorReward1", anchorReward1, "a number, not NaN")
        .check(!Double.isNaN(anchorReward2), "anchorReward2", anchorReward2, "a number, not NaN")
        .throwIfAny();
    return reward < Math.min(anchorReward1, anchorReward2) ? PENALTY : 0.0;
  }

  /**
   * {@code E[r_J(y)] = −log(16) · (1 − p≤(y))²} over the two anchor draws, where {@code p≤(y) =
   * P[r(y') <= r(y)]} under the anchor.
   */
  public static double expectation(double quantile) {
    Problems.require(quantile >= 0 && quantile <= 1, "quantile", quantile, "a number in [0, 1]");
    double above = 1 - quantile;
    return PENALTY * above * above;
  }
}
