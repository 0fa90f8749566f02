package dev.bond4j.model;

import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.util.ArrayList;
import java.util.List;

/**
 * A reward model that reads another tokenizer's ids than the policy: each prompt and completion
 * is decoded with the policy's tokenizer (the prompt's own text when it has one) and encoded again
 * with the reward model's, then scored. It owns the reward model it wraps: {@link #close} closes it.
 */
public final class RetokenizedReward implements RewardModel {
  private final RewardModel reward;
  private final Tokenizer policyTokenizer;
  private final Tokenizer rewardTokenizer;

  /** Scores with {@code reward}, which reads {@code rewardTokenizer}'s ids. */
  public RetokenizedReward(RewardModel reward, Tokenizer policyTokenizer,
      Tokenizer rewardTokenizer) {
    this.reward = reward;
    this.policyTokenizer = policyTokenizer;
    this.rewardTokenizer = rewardTokenizer;
  }

  /** Closes the wrapped reward model. */
  @Override
  public void close() {
    reward.close();
  }

  @Override
  public double[] score(List<? extends PromptedSequence> sequences) {
    List<PromptedSequence> converted = new ArrayList<>(sequences.size());
    for (PromptedSequence sequence : sequences) {
      Prompt prompt = sequence.prompt();
      String text = prompt.text().isEmpty() ? policyTokenizer.decode(prompt.tokens())
          : prompt.text();
      Prompt encoded = Prompt.builder().id(prompt.id()).text(text)
          .tokens(rewardTokenizer.encode(text)).build();
      TokenSequence completion = rewardTokenizer.encode(
          policyTokenizer.decode(sequence.completion()));
      converted.add(WeightedSequence.of(encoded, completion, 0.0));
    }
    return reward.score(converted);
  }
}
