package dev.bond4j.algorithm;

import dev.bond4j.Problems;
import dev.bond4j.math.BondReward;
import dev.bond4j.quantile.QuantileEstimator;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.Rollout;
import java.util.List;
import java.util.Map;

/**
 * The practical BOND reward {@code r̂_BOND(y) = log p̂≤(y)} (§4.2: the correction term is
 * dropped), with {@code p̂≤} from any {@link QuantileEstimator} against the anchor's samples.
 */
public final class LogQuantileEstimate implements BondRewardEstimate {
  private final QuantileEstimator estimator;

  /** Uses {@code estimator} for {@code p̂≤}. */
  public LogQuantileEstimate(QuantileEstimator estimator) {
    this.estimator = estimator;
  }

  @Override
  public int anchorSamples() {
    return estimator.referenceSampleCount();
  }

  @Override
  public double[] estimate(List<Prompt> prompts, List<Rollout> policySamples,
      List<List<Rollout>> anchorSamples) {
    double[] out = new double[policySamples.size()];
    for (int i = 0; i < out.length; i++) {
      List<Rollout> anchors = anchorSamples.get(i);
      double[] referenceRewards = new double[estimator.referenceSampleCount()];
      for (int k = 0; k < referenceRewards.length; k++) {
        referenceRewards[k] = anchors.get(k).reward();
      }
      double quantile = estimator.estimate(prompts.get(i), List.of(policySamples.get(i)),
          referenceRewards)[0];
      Problems.require(quantile > 0, "quantile estimate", quantile,
          "> 0 so that log p̂≤ is finite: use a smoothed estimator");
      out[i] = BondReward.approximate(quantile);
    }
    return out;
  }

  @Override
  public void addMetrics(double[] estimates, Map<String, Double> metrics) {
    double sum = 0;
    for (double e : estimates) {
      sum += e;
    }
    metrics.put(Metrics.LOG_QUANTILE_MEAN, sum / estimates.length);
  }
}
