package dev.bond4j.algorithm;

import dev.bond4j.Problems;
import dev.bond4j.anchor.Anchor;
import dev.bond4j.divergence.Divergence;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.rollout.RolloutSource;
import dev.bond4j.value.BondStyle;
import dev.bond4j.value.Prompt;
import java.util.List;
import org.immutables.value.Value;

/**
 * Everything a {@link BondTrainer} needs. One configuration type covers BOND with a fixed
 * {@code N}, iterative BOND, J-BOND, vBoN and Best-of-N SFT: they differ only in {@code N}, the
 * divergence's {@code β}, the anchor, the BOND-reward estimate and {@code γ} ({@link Algorithms}
 * has a factory for each).
 */
@Value.Immutable
@BondStyle
public abstract class BondConfig {
  /** The policy {@code π} being trained. */
  public abstract TrainablePolicy policy();

  /** The reference {@code π_ref}; only used for the {@code kl/ref} metric. */
  public abstract Policy reference();

  /** The reward model {@code r}. */
  public abstract RewardModel reward();

  /** The training prompts. */
  public abstract List<Prompt> prompts();

  /** The anchor whose Best-of-N is distilled, and how it moves. */
  public abstract Anchor anchor();

  /** How {@code r̂_BOND} is estimated from anchor samples. */
  public abstract BondRewardEstimate estimate();

  /** The {@code N} of Best-of-N against the anchor, {@code >= 2} (J-BOND: 2). */
  public abstract int n();

  /** {@code J_β}: forward and backward coefficients. */
  @Value.Default
  public Divergence divergence() {
    return Divergence.jeffreys();
  }

  /** Weight {@code γ} of the extra {@code KL(π || π_anc)} regulariser (SPEC S7.5, Eq. 19). */
  @Value.Default
  public double gamma() {
    return 0.0;
  }

  /** Batch size, completion length, seed and tie rule. */
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
  public static ImmutableBondConfig.Builder builder() {
    return ImmutableBondConfig.builder();
  }

  /** A builder holding this configuration. */
  public ImmutableBondConfig.Builder toBuilder() {
    return builder().from(this);
  }

  @Value.Check
  protected void check() {
    Problems.of("BondConfig").atLeast("n", n(), 2)
        .check(gamma() >= 0 && Double.isFinite(gamma()), "gamma", gamma(),
            "a finite number >= 0")
        .check(!prompts().isEmpty(), "prompts", prompts().size(), "at least one prompt")
        .check(estimate().anchorSamples() >= 0, "estimate.anchorSamples",
            estimate().anchorSamples(), ">= 0")
        .throwIfAny();
  }
}
