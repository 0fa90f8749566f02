package dev.bond4j.dsl;

import dev.bond4j.Problems;
import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.algorithm.TwoSampleEstimate;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.value.BondStyle;
import dev.bond4j.value.Prompt;
import java.util.List;
import org.immutables.value.Value;

/** The one knob of vBoN, backward KL against Best-of-N of the reference (App. A.5). */
@Value.Immutable
@BondStyle
public abstract non-sealed class VBoNSettings implements AlgorithmSettings {
  /** The N of Best-of-N, {@code >= 2}. */
  @Value.Default
  public int n() {
    return 8;
  }

  @Override
  public Algorithm algorithm() {
    return Algorithm.VBON;
  }

  @Override
  public Trainer trainer(TrainablePolicy policy, Policy reference, RewardModel reward,
      List<Prompt> prompts, TrainingSettings training) {
    return Algorithms.vBoN(policy, reference, reward, prompts, n(), new TwoSampleEstimate(),
        training);
  }

  /** A builder with the defaults. */
  public static ImmutableVBoNSettings.Builder builder() {
    return ImmutableVBoNSettings.builder();
  }

  @Value.Check
  protected void check() {
    Problems.of("settings").atLeast("n", n(), 2).throwIfAny();
  }
}
