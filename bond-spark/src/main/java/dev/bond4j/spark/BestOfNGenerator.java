package dev.bond4j.spark;

import dev.bond4j.math.BestOfNSelector;
import dev.bond4j.math.TieRule;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.quantile.MonteCarloQuantileEstimator;
import dev.bond4j.random.Seeds;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * The executor side of Best-of-N generation: for each prompt of a partition, N completions, their
 * rewards and empirical quantiles, and the pick under the tie rule ({@link BestOfNSelector}, the
 * rule the exact law uses). A prompt's samples use the seed of stream {@code policy-sampling} at
 * the prompt's index and its tie-breaks stream {@code selection} at that index ({@link Seeds}), so
 * a prompt's row does not depend on which partition or which task attempt computes it.
 *
 * @param policy the policy
 * @param reward the reward model
 * @param tokenizer decodes completions for the output's text
 * @param n completions per prompt
 * @param tieRule how ties in reward are broken
 * @param sampling how completions are drawn
 * @param seed the run seed
 */
public record BestOfNGenerator(PolicySource policy, RewardSource reward, TokenizerSource tokenizer,
    int n, TieRule tieRule, SamplingSpec sampling, long seed)
    implements FlatMapFunction<Iterator<PromptRow>, BestOfNRow> {
  @Override
  public Iterator<BestOfNRow> call(Iterator<PromptRow> prompts) {
    List<BestOfNRow> rows = new ArrayList<>();
    if (!prompts.hasNext()) {
      return rows.iterator();
    }
    try (ExecutorCache.Lease<? extends Policy> model =
            ExecutorCache.borrow(policy.key(), policy::load);
        ExecutorCache.Lease<RewardModel> scorer = ExecutorCache.borrow(reward.key(), reward::open);
        ExecutorCache.Lease<Tokenizer> words =
            ExecutorCache.borrow("tokenizer:" + tokenizer.key(), tokenizer::open)) {
      SamplingSettings settings = sampling.settings();
      while (prompts.hasNext()) {
        rows.add(row(prompts.next(), model.value(), scorer.value(), words.value(), settings));
      }
    }
    return rows.iterator();
  }

  /** The row of one prompt. */
  BestOfNRow row(PromptRow row, Policy model, RewardModel scorer, Tokenizer words,
      SamplingSettings settings) {
    Seeds seeds = new Seeds(seed);
    Prompt prompt = row.prompt();
    List<Completion> completions = model.sample(Collections.nCopies(n, prompt), settings,
        seeds.seed(Seeds.POLICY_SAMPLING, row.index()));
    double[] rewards = scorer.score(completions);
    double[] quantiles = MonteCarloQuantileEstimator.raw(n).estimate(rewards, rewards);
    List<TokenSequence> tokens = new ArrayList<>(n);
    List<Candidate> candidates = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Completion c = completions.get(i);
      tokens.add(c.completion());
      candidates.add(new Candidate(words.decode(c.completion()), c.completion().toArray(),
          c.logProb(), c.tokenLogProbs(), c.endedWithEos(), rewards[i], quantiles[i]));
    }
    int best = BestOfNSelector.select(tokens, rewards, tieRule,
        seeds.random(Seeds.SELECTION, row.index()));
    return new BestOfNRow(row.index(), row.id(), row.text(), candidates, best);
  }
}
