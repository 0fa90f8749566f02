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
 *
 * <p>An engine policy holds native memory until {@link #close}: whoever creates or loads a policy
 * (or takes a {@link TrainablePolicy#snapshot}) closes it, best with try-with-resources. A pure-Java
 * policy holds none, and closing it does nothing.
 */
public interface Policy extends AutoCloseable {
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

  /**
   * The engine that runs this policy, device and precision included, for a run's provenance. The
   * default is pure-Java arithmetic in double precision.
   */
  default EngineInfo engine() {
    return EngineInfo.java();
  }

  /**
   * Releases the native memory this policy holds; the policy must not be used afterwards. Closing
   * twice does nothing. The default, for policies that hold no native memory, does nothing.
   */
  @Override
  default void close() {}
}
