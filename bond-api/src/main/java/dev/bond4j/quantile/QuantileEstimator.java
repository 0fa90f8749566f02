package dev.bond4j.quantile;

import dev.bond4j.value.Prompt;
import dev.bond4j.value.Rollout;
import java.util.List;

/**
 * Estimates {@code p̂≤(y) = P_{y'~π_base}[r(y') <= r(y)]} for completions of one prompt (SPEC
 * S4). Trainers draw {@link #referenceSampleCount()} completions from the base (reference or
 * anchor) for the prompt, score them, and hand their rewards in.
 */
public interface QuantileEstimator {
  /** How many scored base samples per prompt this estimator needs; 0 for an exact one. */
  int referenceSampleCount();

  /**
   * The estimated quantile of each target.
   *
   * @param prompt the prompt all targets continue
   * @param targets the completions whose quantile is wanted, with rewards
   * @param referenceRewards rewards of {@link #referenceSampleCount()} base samples
   * @return one estimate per target, in [0, 1]
   */
  double[] estimate(Prompt prompt, List<Rollout> targets, double[] referenceRewards);
}
