package dev.bond4j.testbed;

import dev.bond4j.math.DiscreteBestOfN;
import dev.bond4j.math.TieRule;
import dev.bond4j.quantile.QuantileEstimator;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.Rollout;
import java.util.List;

/**
 * The exact quantile {@code p≤(y)} of SPEC S2 against a base whose distribution is known (SPEC
 * S4, "Exact"). It recomputes the quantiles whenever the base's parameters change, so it
 * follows a moving anchor. Needs no base samples.
 */
public final class ExactQuantileEstimator implements QuantileEstimator {
  private final ExactDistribution base;
  private final TabularReward reward;
  private final TieRule rule;
  private final double[][] cached;
  private final long[] cachedRevision;

  /** Quantiles against {@code base} under {@code rule}. */
  public ExactQuantileEstimator(ExactDistribution base, TabularReward reward, TieRule rule) {
    this.base = base;
    this.reward = reward;
    this.rule = rule;
    this.cached = new double[base.contexts()][];
    this.cachedRevision = new long[base.contexts()];
  }

  @Override
  public int referenceSampleCount() {
    return 0;
  }

  @Override
  public double[] estimate(Prompt prompt, List<Rollout> targets, double[] referenceRewards) {
    int context = prompt.tokens().get(0);
    double[] quantiles = quantiles(context);
    double[] out = new double[targets.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = quantiles[base.space().indexOf(targets.get(i).completion().completion())];
    }
    return out;
  }

  private double[] quantiles(int context) {
    if (cached[context] == null || cachedRevision[context] != base.revision()) {
      cached[context] = DiscreteBestOfN.of(base.distribution(context), reward.rewards(context))
          .quantile(rule);
      cachedRevision[context] = base.revision();
    }
    return cached[context];
  }
}
