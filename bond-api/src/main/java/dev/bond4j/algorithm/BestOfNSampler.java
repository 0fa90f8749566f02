package dev.bond4j.algorithm;

import dev.bond4j.Problems;
import dev.bond4j.math.BestOfNSelector;
import dev.bond4j.math.TieRule;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.random.Seeds;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.Rollout;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Best-of-N sampling at inference (SPEC S8): draw {@code N} completions per prompt, score them, and
 * return the best under a {@link TieRule}. This is what BOND distils; it costs {@code N} samples and
 * {@code N} reward calls per prompt.
 */
public final class BestOfNSampler {
  private final Policy policy;
  private final RewardModel reward;
  private final int n;
  private final TieRule tieRule;
  private final SamplingSettings settings;

  /**
   * A sampler of Best-of-{@code n} of {@code policy} judged by {@code reward}.
   *
   * @param settings how each of the {@code n} candidates is drawn
   */
  public BestOfNSampler(Policy policy, RewardModel reward, int n, TieRule tieRule,
      SamplingSettings settings) {
    Problems.require(n >= 1, "n", n, "an integer >= 1");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.reward = Objects.requireNonNull(reward, "reward");
    this.n = n;
    this.tieRule = Objects.requireNonNull(tieRule, "tieRule");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** The number of candidates per prompt. */
  public int n() {
    return n;
  }

  /**
   * The best of {@code n} candidates for each prompt, in order. The same seed gives the same
   * result.
   */
  public List<Rollout> sample(List<Prompt> prompts, long seed) {
    Seeds seeds = new Seeds(seed);
    List<Prompt> repeated = new ArrayList<>(prompts.size() * n);
    for (Prompt prompt : prompts) {
      for (int i = 0; i < n; i++) {
        repeated.add(prompt);
      }
    }
    List<Completion> candidates = policy.sample(repeated, settings,
        seeds.seed(Seeds.POLICY_SAMPLING, 0));
    double[] rewards = reward.score(candidates);
    SplittableRandom ties = seeds.random(Seeds.SELECTION, 0);
    List<Rollout> best = new ArrayList<>(prompts.size());
    for (int p = 0; p < prompts.size(); p++) {
      List<TokenSequence> tokens = new ArrayList<>(n);
      double[] groupRewards = new double[n];
      for (int i = 0; i < n; i++) {
        tokens.add(candidates.get(p * n + i).completion());
        groupRewards[i] = rewards[p * n + i];
      }
      int chosen = BestOfNSelector.select(tokens, groupRewards, tieRule, ties);
      best.add(Rollout.of(candidates.get(p * n + chosen), groupRewards[chosen]));
    }
    return best;
  }
}
