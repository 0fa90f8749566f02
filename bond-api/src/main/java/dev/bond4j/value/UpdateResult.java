package dev.bond4j.value;

import org.immutables.value.Value;

/** What one optimizer step reports: the surrogate loss before the step and the gradient seen. */
@Value.Immutable
@BondStyle
public abstract class UpdateResult {
  /**
   * The surrogate loss {@code −Σ w_i log π(y_i|x_i)} at the parameters before the step; trainers
   * derive their per-term losses from it, so backends must report it exactly.
   */
  public abstract double loss();

  /** Global L2 norm of the gradient before clipping. */
  public abstract double gradientNorm();

  /** The learning rate used for this step. */
  public abstract double learningRate();

  /** Number of sequences in the batch. */
  public abstract int sequences();

  /** Number of completion tokens in the batch. */
  public abstract long tokens();

  /** A builder. */
  public static ImmutableUpdateResult.Builder builder() {
    return ImmutableUpdateResult.builder();
  }
}
