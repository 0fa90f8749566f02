package dev.bond4j.dsl;

import dev.bond4j.Problems;
import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.value.BondStyle;
import dev.bond4j.value.Prompt;
import java.util.List;
import org.immutables.value.Value;

/** The knobs of REINFORCE with a leave-one-out baseline and a KL penalty (standard RLHF). */
@Value.Immutable
@BondStyle
public abstract non-sealed class ReinforceSettings implements AlgorithmSettings {
  /** KL coefficient {@code β_RL >= 0}. */
  @Value.Default
  public double klCoefficient() {
    return 0.01;
  }

  /** Policy samples per prompt, {@code >= 2}. */
  @Value.Default
  public int samplesPerPrompt() {
    return 2;
  }

  @Override
  public Algorithm algorithm() {
    return Algorithm.REINFORCE;
  }

  @Override
  public Trainer trainer(TrainablePolicy policy, Policy reference, RewardModel reward,
      List<Prompt> prompts, TrainingSettings training) {
    return Algorithms.reinforceLoo(policy, reference, reward, prompts, samplesPerPrompt(),
        klCoefficient(), training);
  }

  /** A builder with the defaults. */
  public static ImmutableReinforceSettings.Builder builder() {
    return ImmutableReinforceSettings.builder();
  }

  @Value.Check
  protected void check() {
    Problems.of("settings").nonNegative("klCoefficient", klCoefficient())
        .atLeast("samplesPerPrompt", samplesPerPrompt(), 2).throwIfAny();
  }
}
