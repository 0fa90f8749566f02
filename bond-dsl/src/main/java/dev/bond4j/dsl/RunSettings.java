package dev.bond4j.dsl;

import dev.bond4j.Problems;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.value.BondStyle;
import org.immutables.value.Value;

/**
 * Everything a run's numbers are: the algorithm with its own knobs, the settings every algorithm
 * shares, and the length of the run. The fluent builders and configuration files both produce
 * it, so a value means the same thing everywhere.
 */
@Value.Immutable
@BondStyle
public abstract class RunSettings {
  /** The algorithm and its knobs; J-BOND with the paper's defaults by default. */
  @Value.Default
  public AlgorithmSettings algorithm() {
    return JBondSettings.builder().build();
  }

  /** Batch size, completion length, seed, tie rule and the reference's scoring cadence. */
  @Value.Default
  public TrainingSettings training() {
    return TrainingSettings.builder().build();
  }

  /** Training steps of a run. */
  @Value.Default
  public int steps() {
    return 100;
  }

  /** A builder with the defaults. */
  public static ImmutableRunSettings.Builder builder() {
    return ImmutableRunSettings.builder();
  }

  /** A builder holding these settings. */
  public ImmutableRunSettings.Builder toBuilder() {
    return builder().from(this);
  }

  @Value.Check
  protected void check() {
    Problems.of("settings").atLeast("steps", steps(), 1)
        .check(!(algorithm() instanceof ReinforceSettings reinforce)
            || reinforce.klCoefficient() == 0 || training().referenceEvery() == 1,
            "referenceEvery", training().referenceEvery(),
            "1 for reinforce with klCoefficient > 0 (its KL penalty reads the reference every step)")
        .throwIfAny();
  }
}
