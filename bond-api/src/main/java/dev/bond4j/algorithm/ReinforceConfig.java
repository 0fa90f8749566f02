package dev.bond4j.algorithm;

import dev.bond4j.Problems;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.rollout.RolloutSource;
import dev.bond4j.value.BondStyle;
import dev.bond4j.value.Prompt;
import java.util.List;
import org.immutables.value.Value;

/**
 * Standard RLHF by REINFORCE with a leave-one-out baseline and a KL penalty (SPEC S8, §2 Eq. 1):
 * the baseline J-BOND is compared with.
 */
@Value.Immutable
@BondStyle
public abstract class ReinforceConfig {
  /** The policy being trained. */
  public abstract TrainablePolicy policy();

  /** The reference {@code π_ref} of the KL penalty. */
  public abstract Policy reference();

  /** The reward model. */
  public abstract RewardModel reward();

  /** The training prompts. */
  public abstract List<Prompt> prompts();

  /** Policy samples per prompt, {@code k >= 2} (the paper: 2). */
  @Value.Default
  public int samplesPerPrompt() {
    return 2;
  }

  /** KL coefficient {@code β_RL >= 0} (the paper's grid: 0.001, 0.01, 0.1, 1). */
  @Value.Default
  public double klCoefficient() {
    return 0.01;
  }

  /** Batch size, completion length, seed, reference cadence. */
  @Value.Default
  public TrainingSettings settings() {
    return TrainingSettings.builder().build();
  }

  /** Where each step's completions are sampled and scored (default: in this JVM). */
  @Value.Default
  public RolloutSource rollouts() {
    return RolloutSource.inProcess();
  }

  /** A builder. */
  public static ImmutableReinforceConfig.Builder builder() {
    return ImmutableReinforceConfig.builder();
  }

  /** A builder holding this configuration. */
  public ImmutableReinforceConfig.Builder toBuilder() {
    return builder().from(this);
  }

  @Value.Check
  protected void check() {
    Problems.of("ReinforceConfig").atLeast("samplesPerPrompt", samplesPerPrompt(), 2)
        .check(klCoefficient() >= 0 && Double.isFinite(klCoefficient()), "klCoefficient",
            klCoefficient(), "a finite number >= 0")
        .check(!prompts().isEmpty(), "prompts", prompts().size(), "at least one prompt")
        .check(klCoefficient() == 0 || settings().referenceEvery() == 1,
            "settings.referenceEvery", settings().referenceEvery(),
            "1 while klCoefficient > 0 (the KL penalty needs the reference every step)")
        .throwIfAny();
  }
}
