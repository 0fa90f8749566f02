package dev.bond4j.decoder;

import dev.bond4j.value.OptimizerSettings;

/**
 * An engine's AdamW: its settings and the state a checkpoint holds (the two moments in {@link
 * DecoderLayout}'s order and the step count), plus one step on the accumulated gradients.
 */
public interface OptimizerState {
  /** The settings. */
  OptimizerSettings settings();

  /** Steps taken. */
  long steps();

  /** A copy of the first moments. */
  float[] firstMoment();

  /** A copy of the second moments. */
  float[] secondMoment();

  /** Replaces the moments and the step count; null moments mean a fresh optimizer. */
  void restore(float[] firstMoment, float[] secondMoment, long steps);

  /** Clears the accumulated gradients. */
  void zeroGradients();

  /**
   * Applies one step with the accumulated gradients.
   *
   * @return the global gradient norm before clipping
   * @throws dev.bond4j.NumericalException when it is not finite; the parameters are untouched
   */
  double step();
}
