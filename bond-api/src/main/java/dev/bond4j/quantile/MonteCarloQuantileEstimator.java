package dev.bond4j.quantile;

import dev.bond4j.Problems;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.Rollout;
import java.util.Arrays;
import java.util.List;

/**
 * The Monte-Carlo quantile estimate of SPEC S4 (Eq. 9-10) from {@code k} base samples. The
 * default, {@linkplain #smoothed smoothed} form counts the target itself,
 * {@code (1 + Σ 1{r(y_i) <= r(y)}) / (k + 1)}, so it is never 0 and {@code log p̂≤} stays finite;
 * the {@linkplain #raw raw} form {@code (1/k) Σ 1{r(y_i) <= r(y)}} can be 0.
 */
public final class MonteCarloQuantileEstimator implements QuantileEstimator {
  private final int samples;
  private final boolean smoothed;

  private MonteCarloQuantileEstimator(int samples, boolean smoothed) {
    Problems.require(samples >= 1, "samples", samples, "an integer >= 1");
    this.samples = samples;
    this.smoothed = smoothed;
  }

  /** The smoothed estimator with {@code k} base samples (the default form). */
  public static MonteCarloQuantileEstimator smoothed(int samples) {
    return new MonteCarloQuantileEstimator(samples, true);
  }

  /** The raw estimator with {@code k} base samples; its estimate can be 0. */
  public static MonteCarloQuantileEstimator raw(int samples) {
    return new MonteCarloQuantileEstimator(samples, false);
  }

  /** Whether the target counts itself. */
  public boolean isSmoothed() {
    return smoothed;
  }

  @Override
  public int referenceSampleCount() {
    return samples;
  }

  @Override
  public double[] estimate(Prompt prompt, List<Rollout> targets, double[] referenceRewards) {
    return estimate(AnchorRewards.of(targets), referenceRewards);
  }

  /** The estimate for bare target rewards. */
  public double[] estimate(double[] targetRewards, double[] referenceRewards) {
    AnchorRewards.require("Monte-Carlo quantile estimate", referenceRewards, samples);
    double[] sorted = referenceRewards.clone();
    Arrays.sort(sorted);
    double[] estimates = new double[targetRewards.length];
    for (int t = 0; t < targetRewards.length; t++) {
      int atMost = countAtMost(sorted, targetRewards[t]);
      estimates[t] = smoothed ? (1.0 + atMost) / (samples + 1.0) : (double) atMost / samples;
    }
    return estimates;
  }

  /** Number of elements of the sorted array that are {@code <= value}. */
  private static int countAtMost(double[] sorted, double value) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
