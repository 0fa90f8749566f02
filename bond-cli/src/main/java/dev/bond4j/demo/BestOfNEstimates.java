package dev.bond4j.demo;

import dev.bond4j.algorithm.BestOfNSampler;
import dev.bond4j.algorithm.BondTrainer;
import dev.bond4j.math.TieRule;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.Rollout;
import dev.bond4j.value.SamplingSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Monte-Carlo estimates against Best-of-N of a neural reference, where nothing can be enumerated.
 * Per prompt it draws {@code m} reference samples once; their empirical reward distribution
 * {@code F} stands for the reference's. Best-of-N under uniform tie-breaking then has the law
 * {@code π_BoN(y) = π_ref(y) · (F(r)^N − F(r−)^N) / (F(r) − F(r−))} with {@code r = r(y)}
 * (a reward level is chosen with probability {@code F(r)^N − F(r−)^N}, then one of its sequences in
 * proportion to {@code π_ref}). {@code F} counts the sample itself, as the smoothed Monte-Carlo
 * quantile does, so every level has mass at least {@code 1/(m + 1)}. From that:
 *
 * <ul>
 *   <li>{@code KL(π || π_BoN)} by samples of {@code π}, {@code KL(π_BoN || π)} by Best-of-N
 *       samples drawn once;
 *   <li>the Best-of-N curve of the empirical reward distribution: reward and
 *       {@code KL(π_BoN || π_ref)} for N = 1 ... {@value #MAX_N}.
 * </ul>
 */
final class BestOfNEstimates {
  /** Largest N of the Best-of-N curve. */
  static final int MAX_N = 64;

  private final Policy reference;
  private final RewardModel reward;
  private final List<Prompt> prompts;
  private final int n;
  private final int samplesPerPrompt;
  private final SamplingSettings sampling;
  private final double[][] sortedReference;
  private final List<Completion> bestOfN;
  private final double[] bestOfNLog;

  BestOfNEstimates(Policy reference, RewardModel reward, List<Prompt> prompts, int n,
      int referenceSamples, int samplesPerPrompt, int maxNewTokens, long seed) {
    this.reference = reference;
    this.reward = reward;
    this.prompts = prompts;
    this.n = n;
    this.samplesPerPrompt = samplesPerPrompt;
    this.sampling = SamplingSettings.training(maxNewTokens);
    List<Completion> base = reference.sample(BondTrainer.repeat(prompts, referenceSamples),
        sampling, seed);
    double[] rewards = reward.score(base);
    sortedReference = new double[prompts.size()][];
    for (int p = 0; p < prompts.size(); p++) {
      sortedReference[p] = Arrays.copyOfRange(rewards, p * referenceSamples,
          (p + 1) * referenceSamples);
      Arrays.sort(sortedReference[p]);
    }
    BestOfNSampler sampler = new BestOfNSampler(reference, reward, n, TieRule.UNIFORM, sampling);
    List<Rollout> best = sampler.sample(BondTrainer.repeat(prompts, samplesPerPrompt),
        seed + 1);
    bestOfN = new ArrayList<>();
    double[] bestRewards = new double[best.size()];
    for (int i = 0; i < best.size(); i++) {
      bestOfN.add(best.get(i).completion());
      bestRewards[i] = best.get(i).reward();
    }
    bestOfNLog = logBestOfN(bestOfN, bestRewards, reference.logProbs(bestOfN));
  }

  /** {@code log π_BoN} of completions grouped by prompt, {@code samplesPerPrompt} each. */
  private double[] logBestOfN(List<Completion> completions, double[] rewards, double[] logRef) {
    double[] out = new double[completions.size()];
    for (int i = 0; i < out.length; i++) {
      double[] sorted = sortedReference[i / samplesPerPrompt];
      double atMost = (1.0 + count(sorted, rewards[i], true)) / (sorted.length + 1.0);
      double below = (double) count(sorted, rewards[i], false) / (sorted.length + 1.0);
      double level = atMost - below;
      out[i] = logRef[i] + Math.log((Math.pow(atMost, n) - Math.pow(below, n)) / level);
    }
    return out;
  }

  /** Rewards of {@code sorted} at most ({@code inclusive}) or below {@code value}. */
  private static int count(double[] sorted, double value, boolean inclusive) {
    int c = 0;
    for (double v : sorted) {
      if (inclusive ? v <= value : v < value) {
        c++;
      }
    }
    return c;
  }

  /** {reward, KL(π || π_ref), KL(π || π_BoN), KL(π_BoN || π), mean log p̂≤} of {@code policy}. */
  double[] evaluate(Policy policy, long seed) {
    List<Completion> samples = policy.sample(BondTrainer.repeat(prompts, samplesPerPrompt),
        sampling, seed);
    double[] rewards = reward.score(samples);
    double[] logPi = policy.logProbs(samples);
    double[] logRef = reference.logProbs(samples);
    double[] logBon = logBestOfN(samples, rewards, logRef);
    double[] logPiOnBon = policy.logProbs(bestOfN);
    double r = 0;
    double klRef = 0;
    double klTo = 0;
    double klFrom = 0;
    double logQuantile = 0;
    for (int i = 0; i < samples.size(); i++) {
      double[] sorted = sortedReference[i / samplesPerPrompt];
      r += rewards[i];
      klRef += logPi[i] - logRef[i];
      klTo += logPi[i] - logBon[i];
      klFrom += bestOfNLog[i] - logPiOnBon[i];
      logQuantile += Math.log((1.0 + count(sorted, rewards[i], true)) / (sorted.length + 1.0));
    }
    int size = samples.size();
    return new double[] {r / size, klRef / size, klTo / size, klFrom / size,
        logQuantile / size};
  }

  /**
   * The Best-of-N curve of the empirical reward distribution, averaged over prompts:
   * {@code {KL(π_BoN || π_ref)[N−1], E_BoN[r][N−1]}} for N = 1 ... {@value #MAX_N}.
   */
  double[][] curve() {
    double[][] out = new double[2][MAX_N];
    for (double[] sorted : sortedReference) {
      int m = sorted.length;
      for (int k = 1; k <= MAX_N; k++) {
        int i = 0;
        while (i < m) {
          int j = i;
          while (j < m && sorted[j] == sorted[i]) {
            j++;
          }
          double mass = (double) (j - i) / m;
          double level = Math.pow((double) j / m, k) - Math.pow((double) i / m, k);
          if (level > 0) {
            out[0][k - 1] += level * Math.log(level / mass) / sortedReference.length;
          }
          out[1][k - 1] += level * sorted[i] / sortedReference.length;
          i = j;
        }
      }
    }
    return out;
  }
}
