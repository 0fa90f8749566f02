package dev.bond4j.spark;

import dev.bond4j.algorithm.EvaluationSums;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.random.Seeds;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import scala.Tuple2;

/**
 * The executor side of distributed evaluation (SPEC S10): for each prompt, {@code samples} policy
 * completions and {@code referenceSamples} reference completions at temperature 1, their rewards,
 * and the policy's and reference's log-probabilities of the policy's completions, summed by
 * {@link EvaluationSums} (the arithmetic of {@link dev.bond4j.algorithm.MonteCarloEvaluator}). A
 * prompt's streams are {@code policy-sampling} and {@code quantile-samples} at its index.
 *
 * @param policy the evaluated policy
 * @param reference the reference policy
 * @param reward the reward model
 * @param samples policy completions per prompt
 * @param referenceSamples reference completions per prompt
 * @param maxNewTokens the length limit
 * @param seed the run seed
 */
public record EvaluationFunction(PolicySource policy, PolicySource reference, RewardSource reward,
    int samples, int referenceSamples, int maxNewTokens, long seed)
    implements FlatMapFunction<Iterator<PromptRow>, Tuple2<Long, EvaluationSums>> {
  @Override
  public Iterator<Tuple2<Long, EvaluationSums>> call(Iterator<PromptRow> prompts) {
    List<Tuple2<Long, EvaluationSums>> out = new ArrayList<>();
    if (!prompts.hasNext()) {
      return out.iterator();
    }
    try (ExecutorCache.Lease<? extends Policy> pi = ExecutorCache.borrow(policy.key(),
            policy::load);
        ExecutorCache.Lease<? extends Policy> ref = ExecutorCache.borrow(reference.key(),
            reference::load);
        ExecutorCache.Lease<RewardModel> scorer = ExecutorCache.borrow(reward.key(),
            reward::open)) {
      SamplingSettings sampling = SamplingSettings.training(maxNewTokens);
      Seeds seeds = new Seeds(seed);
      while (prompts.hasNext()) {
        PromptRow row = prompts.next();
        Prompt prompt = row.prompt();
        List<Completion> drawn = pi.value().sample(Collections.nCopies(samples, prompt), sampling,
            seeds.seed(Seeds.POLICY_SAMPLING, row.index()));
        List<Completion> base = ref.value().sample(Collections.nCopies(referenceSamples, prompt),
            sampling, seeds.seed(Seeds.QUANTILE_SAMPLES, row.index()));
        EvaluationSums sums = new EvaluationSums().add(scorer.value().score(drawn),
            pi.value().logProbs(drawn), ref.value().logProbs(drawn), scorer.value().score(base));
        out.add(new Tuple2<>(row.index(), sums));
      }
    }
    return out.iterator();
  }

  /** Merges per-prompt sums in prompt order, so the figures do not depend on partitioning. */
  static EvaluationSums mergeInOrder(Map<Long, EvaluationSums> byPrompt) {
    EvaluationSums total = new EvaluationSums();
    byPrompt.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> total.merge(e.getValue()));
    return total;
  }
}
