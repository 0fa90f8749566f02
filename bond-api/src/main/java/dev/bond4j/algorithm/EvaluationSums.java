package dev.bond4j.algorithm;

import dev.bond4j.Problems;
import dev.bond4j.quantile.MonteCarloQuantileEstimator;
import java.io.Serializable;

/**
 * The running sums behind an {@link Evaluation} (SPEC S10), one prompt at a time: reward, KL from
 * the reference, log-quantile against reference samples and wins. Sums of disjoint prompt sets
 * {@link #merge merge}, so the evaluation of a large prompt set can be computed in parts (for
 * example on a cluster) and gives the same figures as one pass, up to floating-point order.
 */
public final class EvaluationSums implements Serializable {
  private static final long serialVersionUID = 1L;

  private double reward;
  private double kl;
  private double logQuantile;
  private double wins;
  private long comparisons;
  private int samples;

  /**
   * Adds one prompt.
   *
   * @param rewards rewards of the policy's samples of the prompt
   * @param logPi the policy's log-probabilities of those samples
   * @param logRef the reference's log-probabilities of those samples
   * @param referenceRewards rewards of the reference's samples of the prompt
   * @return this
   */
  public EvaluationSums add(double[] rewards, double[] logPi, double[] logRef,
      double[] referenceRewards) {
    Problems.of("EvaluationSums.add")
        .check(logPi.length == rewards.length, "logPi.length", logPi.length,
            "one per sample, " + rewards.length)
        .check(logRef.length == rewards.length, "logRef.length", logRef.length,
            "one per sample, " + rewards.length)
        .atLeast("referenceRewards.length", referenceRewards.length, 1).throwIfAny();
    double[] quantiles = MonteCarloQuantileEstimator.smoothed(referenceRewards.length)
        .estimate(rewards, referenceRewards);
    for (int i = 0; i < rewards.length; i++) {
      reward += rewards[i];
      kl += logPi[i] - logRef[i];
      logQuantile += Math.log(quantiles[i]);
      for (double other : referenceRewards) {
        wins += rewards[i] > other ? 1 : rewards[i] == other ? 0.5 : 0;
      }
    }
    comparisons += (long) rewards.length * referenceRewards.length;
    samples += rewards.length;
    return this;
  }

  /** Adds the sums of {@code other} (another set of prompts) to these; returns this. */
  public EvaluationSums merge(EvaluationSums other) {
    reward += other.reward;
    kl += other.kl;
    logQuantile += other.logQuantile;
    wins += other.wins;
    comparisons += other.comparisons;
    samples += other.samples;
    return this;
  }

  /** The evaluation these sums give; at least one sample must have been added. */
  public Evaluation evaluation() {
    Problems.require(samples > 0, "samples", samples, "at least one evaluated sample");
    double meanLogQuantile = logQuantile / samples;
    double effectiveN = meanLogQuantile < 0 ? -1.0 / meanLogQuantile : Double.POSITIVE_INFINITY;
    return new Evaluation(reward / samples, kl / samples, meanLogQuantile, effectiveN,
        wins / comparisons, samples);
  }
}
