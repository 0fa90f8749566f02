package dev.bond4j.decoder;

import dev.bond4j.value.OptimizerSettings;

/**
 * What every engine's AdamW shares: its settings, its step count, and where a step's scalars come
 * from ({@link AdamStep}). An engine keeps the moments and applies the update.
 */
public abstract class AdamWState implements OptimizerState {
  private final OptimizerSettings settings;
  private long steps;

  /** A fresh optimizer with {@code settings}, at step 0. */
  protected AdamWState(OptimizerSettings settings) {
    this.settings = settings;
  }

  @Override
  public final OptimizerSettings settings() {
    return settings;
  }

  @Override
  public final long steps() {
    return steps;
  }

  @Override
  public final void restore(float[] firstMoment, float[] secondMoment, long steps) {
    restoreMoments(firstMoment, secondMoment);
    this.steps = steps;
  }

  /** Replaces the moments, in {@link DecoderLayout}'s order; null moments are zeros. */
  protected abstract void restoreMoments(float[] firstMoment, float[] secondMoment);

  /**
   * The scalars of the next step for a gradient of norm {@code norm}.
   *
   * @throws dev.bond4j.NumericalException when the norm is not finite
   */
  protected final AdamStep next(double norm) {
    return AdamStep.next(settings, steps, norm);
  }

  /** Counts {@code step} as taken. */
  protected final void taken(AdamStep step) {
    steps = step.step();
  }
}
