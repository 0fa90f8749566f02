package dev.bond4j.value;

import dev.bond4j.Problems;
import org.immutables.value.Value;

/**
 * AdamW with linear warm-up, gradient-norm clipping and micro-batching: the optimizer every
 * trainable backend implements, so that the same settings mean the same update on every engine.
 */
@Value.Immutable
@BondStyle
public abstract class OptimizerSettings {
  /** Peak learning rate, reached after {@link #warmupSteps()}. */
  @Value.Default
  public double learningRate() {
    return 1e-3;
  }

  /** Adam's first-moment decay. */
  @Value.Default
  public double beta1() {
    return 0.9;
  }

  /** Adam's second-moment decay. */
  @Value.Default
  public double beta2() {
    return 0.999;
  }

  /** Adam's denominator epsilon. */
  @Value.Default
  public double epsilon() {
    return 1e-8;
  }

  /** Decoupled weight decay (AdamW); 0 disables. */
  @Value.Default
  public double weightDecay() {
    return 0.0;
  }

  /** Steps of linear warm-up from 0 to the learning rate; 0 disables. */
  @Value.Default
  public int warmupSteps() {
    return 0;
  }

  /** Clip the global gradient norm to this value; 0 disables clipping. */
  @Value.Default
  public double maxGradNorm() {
    return 0.0;
  }

  /** Sequences per forward/backward pass; 0 processes the whole batch at once. */
  @Value.Default
  public int microBatchSize() {
    return 0;
  }

  /** Learning rate in force at optimizer step {@code step} (1-based). */
  public double learningRateAt(long step) {
    if (warmupSteps() == 0 || step >= warmupSteps()) {
      return learningRate();
    }
    return learningRate() * step / warmupSteps();
  }

  /** A builder with the defaults. */
  public static ImmutableOptimizerSettings.Builder builder() {
    return ImmutableOptimizerSettings.builder();
  }

  /** A builder holding these settings. */
  public ImmutableOptimizerSettings.Builder toBuilder() {
    return builder().from(this);
  }

  /** The defaults: Adam, learning rate 1e-3, no warm-up, clipping or decay. */
  public static OptimizerSettings defaults() {
    return builder().build();
  }

  @Value.Check
  protected void check() {
    Problems.of("OptimizerSettings")
        .check(learningRate() > 0 && Double.isFinite(learningRate()), "learningRate",
            learningRate(), "a finite number > 0")
        .check(beta1() >= 0 && beta1() < 1, "beta1", beta1(), "a number in [0, 1)")
        .check(beta2() >= 0 && beta2() < 1, "beta2", beta2(), "a number in [0, 1)")
        .check(epsilon() > 0 && Double.isFinite(epsilon()), "epsilon", epsilon(),
            "a finite number > 0")
        .check(weightDecay() >= 0 && Double.isFinite(weightDecay()), "weightDecay",
            weightDecay(), "a finite number >= 0")
        .atLeast("warmupSteps", warmupSteps(), 0)
        .check(maxGradNorm() >= 0 && Double.isFinite(maxGradNorm()), "maxGradNorm",
            maxGradNorm(), "a finite number >= 0 (0 disables clipping)")
        .atLeast("microBatchSize", microBatchSize(), 0)
        .throwIfAny();
  }
}
