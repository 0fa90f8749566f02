package dev.bond4j.algorithm;

import dev.bond4j.math.JBondReward;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.Rollout;
import java.util.List;
import java.util.Map;

/**
 * J-BOND's reward (SPEC S7.3): {@code r_J(y) = −log 16} when the policy sample is strictly worse
 * than both anchor samples, else 0. Its expectation {@code −log(16)(1 − p≤)²} is a calibrated
 * stand-in for {@code log p≤} that needs only two anchor samples.
 */
public final class TwoSampleEstimate implements BondRewardEstimate {
  @Override
  public int anchorSamples() {
    return 2;
  }

  @Override
  public double[] estimate(List<Prompt> prompts, List<Rollout> policySamples,
      List<List<Rollout>> anchorSamples) {
    double[] out = new double[policySamples.size()];
    for (int i = 0; i < out.length; i++) {
      List<Rollout> anchors = anchorSamples.get(i);
      out[i] = JBondReward.of(policySamples.get(i).reward(), anchors.get(0).reward(),
          anchors.get(1).reward());
    }
    return out;
  }

  @Override
  public void addMetrics(double[] estimates, Map<String, Double> metrics) {
    double sum = 0;
    int worse = 0;
    for (double e : estimates) {
      sum += e;
      if (e != 0) {
        worse++;
      }
    }
    metrics.put(Metrics.R_J_MEAN, sum / estimates.length);
    metrics.put(Metrics.R_J_WORSE, (double) worse / estimates.length);
  }
}
