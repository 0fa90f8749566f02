package dev.bond4j.quantile;

import dev.bond4j.Problems;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.Rollout;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A learned quantile model (SPEC S4 "Learned", App. B.2): it learns each prompt's anchor-reward
 * distribution online from the anchor samples it has been given, and answers {@code p̂≤(y)} from
 * everything it has learned, so a step needs a few fresh anchor samples per prompt instead of the
 * many a Monte-Carlo estimate needs to be accurate.
 *
 * <p><b>The model and why.</b> App. B.2 trains {@code p̂_φ(x, y)} by the binary cross-entropy of
 * Eq. 25 with targets {@code z = 1{r(x, y') <= r(x, y)}}, {@code y' ~ π_anc(x)}, and suggests
 * enforcing the ordering of the predicted quantiles. This class takes the model class that does
 * exactly that and nothing more: per prompt, {@code p̂_φ(x, y) = F_x(r(x, y))} with {@code F_x} any
 * non-decreasing function of the reward. For anchor rewards {@code r'_1..r'_m} the loss
 * {@code Σ_j −[z_j log F(r) + (1 − z_j) log(1 − F(r))]} is minimised, for every {@code r}
 * separately, by {@code F(r) = (1/m) Σ_j 1{r'_j <= r}}: the empirical CDF, which is already
 * non-decreasing. So the model is fitted in closed form, with no step size to tune and no
 * assumed shape. A parametric fit (Gaussian, logistic) would be smoother but biased wherever the
 * reward distribution is not of that shape; on the exact testbed, whose reward has atoms (the empty
 * completion) and a skewed tail, that bias does not shrink with more samples, while this
 * estimate's error does. A head over prompt features would share strength across prompts, but
 * the library's prompts carry no features it could rely on.
 *
 * <p><b>Memory.</b> It keeps the last {@code memory} anchor rewards of each prompt in a ring, so it
 * forgets an anchor that has moved (iterative BOND, J-BOND's EMA anchor) after
 * {@code memory / samplesPerCall} visits of the prompt; the target counts itself, as in the
 * smoothed Monte-Carlo form, so {@code p̂≤ >= 1/(m + 1) > 0}. Each call first learns from its
 * fresh anchor samples, then answers. It holds {@code memory} doubles per distinct prompt seen
 * and is thread-safe.
 */
public final class LearnedQuantileEstimator implements QuantileEstimator {
  private final int samplesPerCall;
  private final int memory;
  private final Map<Prompt, Window> windows = new HashMap<>();

  /**
   * An estimator fed {@code samplesPerCall} fresh anchor samples per call, remembering the last
   * {@code memory} of each prompt.
   */
  public LearnedQuantileEstimator(int samplesPerCall, int memory) {
    Problems.of("LearnedQuantileEstimator").atLeast("samplesPerCall", samplesPerCall, 1)
        .check(memory >= samplesPerCall, "memory", memory,
            "an integer >= samplesPerCall = " + samplesPerCall).throwIfAny();
    this.samplesPerCall = samplesPerCall;
    this.memory = memory;
  }

  @Override
  public int referenceSampleCount() {
    return samplesPerCall;
  }

  @Override
  public double[] estimate(Prompt prompt, List<Rollout> targets, double[] referenceRewards) {
    return estimate(prompt, AnchorRewards.of(targets), referenceRewards);
  }

  /** Learns from {@code referenceRewards}, then estimates the quantile of bare target rewards. */
  public synchronized double[] estimate(Prompt prompt, double[] targetRewards,
      double[] referenceRewards) {
    AnchorRewards.require("learned quantile estimate", referenceRewards, samplesPerCall);
    Window window = windows.computeIfAbsent(prompt, p -> new Window(memory));
    for (double r : referenceRewards) {
      window.add(r);
    }
    double[] out = new double[targetRewards.length];
    for (int t = 0; t < out.length; t++) {
      out[t] = (1.0 + window.countAtMost(targetRewards[t])) / (window.size + 1.0);
    }
    return out;
  }

  /** How many anchor rewards it remembers for {@code prompt}. */
  public synchronized int remembered(Prompt prompt) {
    Window window = windows.get(prompt);
    return window == null ? 0 : window.size;
  }

  /** The last rewards of one prompt, oldest overwritten first. */
  private static final class Window {
    private final double[] rewards;
    private int size;
    private int next;

    Window(int memory) {
      this.rewards = new double[memory];
    }

    void add(double reward) {
      rewards[next] = reward;
      next = (next + 1) % rewards.length;
      size = Math.min(size + 1, rewards.length);
    }

    int countAtMost(double reward) {
      int count = 0;
      for (int i = 0; i < size; i++) {
        if (rewards[i] <= reward) {
          count++;
        }
      }
      return count;
    }
  }
}
