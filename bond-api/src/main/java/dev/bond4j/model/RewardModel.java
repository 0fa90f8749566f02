package dev.bond4j.model;

import dev.bond4j.value.PromptedSequence;
import java.util.List;

/**
 * Scores completions: {@code r(x, y)}. Only the order of rewards matters to BOND (SPEC S3), but the
 * values are reported. Implementations may be an ONNX classifier, a lexicon, or any Java function.
 * A reward model that holds native memory (an engine session) releases it in {@link #close}.
 */
@FunctionalInterface
public interface RewardModel extends AutoCloseable {
  /**
   * Rewards of the given (prompt, completion) pairs.
   *
   * @return one reward per sequence, in order; never NaN
   */
  double[] score(List<? extends PromptedSequence> sequences);

  /**
   * Releases the native memory this reward model holds; closing twice does nothing. The default,
   * for a Java function, does nothing.
   */
  @Override
  default void close() {}
}
