package dev.bond4j.spark;

import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import java.io.Serializable;

/**
 * A completion as it travels back from an executor, with its reward.
 *
 * @param tokens the completion's token ids
 * @param tokenLogProbs the per-token log-probabilities under the sampling distribution
 * @param endedWithEos whether the completion ended with the end-of-sequence token
 * @param reward its reward
 */
public record SampledCompletion(int[] tokens, double[] tokenLogProbs, boolean endedWithEos,
    double reward) implements Serializable {
  /** The travelling form of {@code completion}. */
  public static SampledCompletion of(Completion completion, double reward) {
    return new SampledCompletion(completion.completion().toArray(), completion.tokenLogProbs(),
        completion.endedWithEos(), reward);
  }

  /** The completion of {@code prompt} again. */
  public Completion completion(Prompt prompt) {
    return Completion.builder().prompt(prompt).completion(TokenSequence.of(tokens))
        .tokenLogProbs(tokenLogProbs).endedWithEos(endedWithEos).build();
  }

}
