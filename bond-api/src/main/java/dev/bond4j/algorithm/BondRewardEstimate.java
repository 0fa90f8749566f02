package dev.bond4j.algorithm;

import dev.bond4j.value.Prompt;
import dev.bond4j.value.Rollout;
import java.util.List;
import java.util.Map;

/**
 * How a BOND step estimates the BOND reward {@code r̂_BOND(y)} of a policy sample from scored
 * anchor samples of the same prompt: the log of a quantile estimate (SPEC S4, §4.2) or J-BOND's
 * two-sample reward {@code r_J} (SPEC S7.3).
 */
public interface BondRewardEstimate {
  /** Scored anchor samples needed per prompt. */
  int anchorSamples();

  /**
   * {@code r̂_BOND} of each policy sample.
   *
   * @param prompts the prompt of each policy sample
   * @param policySamples one scored policy sample per prompt
   * @param anchorSamples for each prompt, {@link #anchorSamples()} scored anchor samples
   */
  double[] estimate(List<Prompt> prompts, List<Rollout> policySamples,
      List<List<Rollout>> anchorSamples);

  /** Adds this estimate's own metrics for a batch of estimates. */
  default void addMetrics(double[] estimates, Map<String, Double> metrics) {}
}
