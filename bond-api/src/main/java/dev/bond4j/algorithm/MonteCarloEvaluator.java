package dev.bond4j.algorithm;

import dev.bond4j.Problems;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.random.Seeds;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import java.util.Arrays;
import java.util.List;

/**
 * Evaluates any policy against the reference by sampling (SPEC S10): reward, KL from the
 * reference, the mean log-quantile and the effective N it implies, and the win rate. The testbed's
 * {@link dev.bond4j.testbed.ExactEvaluator} does the same exactly where the space is enumerable.
 */
public final class MonteCarloEvaluator {
  private final Policy reference;
  private final RewardModel reward;
  private final int samplesPerPrompt;
  private final int referenceSamples;
  private final SamplingSettings sampling;

  /**
   * An evaluator drawing {@code samplesPerPrompt} policy samples and {@code referenceSamples}
   * reference samples per prompt, plain temperature-1 sampling of up to {@code maxNewTokens}.
   */
  public MonteCarloEvaluator(Policy reference, RewardModel reward, int samplesPerPrompt,
      int referenceSamples, int maxNewTokens) {
    Problems.of("MonteCarloEvaluator").atLeast("samplesPerPrompt", samplesPerPrompt, 1)
        .atLeast("referenceSamples", referenceSamples, 1).throwIfAny();
    this.reference = reference;
    this.reward = reward;
    this.samplesPerPrompt = samplesPerPrompt;
    this.referenceSamples = referenceSamples;
    this.sampling = SamplingSettings.training(maxNewTokens);
  }

  /** Evaluates {@code policy} on {@code prompts} with the given seed. */
  public Evaluation evaluate(Policy policy, List<Prompt> prompts, long seed) {
    Seeds seeds = new Seeds(seed);
    List<Completion> samples = policy.sample(BondTrainer.repeat(prompts, samplesPerPrompt),
        sampling, seeds.seed(Seeds.POLICY_SAMPLING, 0));
    List<Completion> base = reference.sample(BondTrainer.repeat(prompts, referenceSamples),
        sampling, seeds.seed(Seeds.QUANTILE_SAMPLES, 0));
    double[] rewards = reward.score(samples);
    double[] baseRewards = reward.score(base);
    double[] logRef = reference.logProbs(samples);
    double[] logPi = policy == reference ? logRef : policy.logProbs(samples);
    EvaluationSums sums = new EvaluationSums();
    for (int p = 0; p < prompts.size(); p++) {
      int from = p * samplesPerPrompt;
      int to = from + samplesPerPrompt;
      sums.add(Arrays.copyOfRange(rewards, from, to), Arrays.copyOfRange(logPi, from, to),
          Arrays.copyOfRange(logRef, from, to), Arrays.copyOfRange(baseRewards,
              p * referenceSamples, (p + 1) * referenceSamples));
    }
    return sums.evaluation();
  }
}
