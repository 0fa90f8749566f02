package dev.bond4j.model;

import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import java.util.List;

/**
 * An autoregressive language model that can be sampled and scored: the reference policy, an
 * anchor, or (as a {@link TrainablePolicy}) the policy being trained. Implementations are
 * backends (the exact testbed, DJL, ND4J, ONNX Runtime); the algorithms know only this interface.
 */
public interface Policy {
  /** Number of token ids the model knows: ids lie in {@code [0, vocabularySize())}. */
  int vocabularySize();

  /** The end-of-sequence token id. */
  int eosToken();

  /** Longest prompt plus completion the model accepts, in tokens. */
  int maxSequenceLength();

  /**
   * Draws one completion per prompt (repeat a prompt to draw several). Each completion carries
   * per-token log-probabilities of the distribution actually sampled. The same seed, prompts and
   * settings give the same completions.
   *
   * @param prompts the prompts, in order
   * @param settings temperature, truncation and length limit
   * @param seed the seed of this call's random stream
   */
  List<Completion> sample(List<Prompt> prompts, SamplingSettings settings, long seed);

  /**
   * {@code log π(y|x)} at temperature 1, summed over completion tokens only, without gradient.
   *
   * @param sequences the (prompt, completion) pairs to score
   * @return one log-probability per sequence, in order
   */
  double[] logProbs(List<? extends PromptedSequence> sequences);
}
