package dev.bond4j.algorithm;

import dev.bond4j.Problems;
import dev.bond4j.math.TieRule;
import dev.bond4j.value.BondStyle;
import org.immutables.value.Value;

/**
 * Settings every trainer shares: batch size, completion length, run seed, tie rule and how often
 * the reference's log-probabilities are computed for the {@code kl/ref} metric.
 */
@Value.Immutable
@BondStyle
public abstract class TrainingSettings {
  /** The one default batch size, of trainers and of the fluent and configuration settings. */
  public static final int DEFAULT_BATCH_SIZE = 16;
  /** The one default completion length. */
  public static final int DEFAULT_MAX_NEW_TOKENS = 32;

  /** Prompts per step. */
  @Value.Default
  public int batchSize() {
    return DEFAULT_BATCH_SIZE;
  }

  /** Longest completion, EOS included. */
  @Value.Default
  public int maxNewTokens() {
    return DEFAULT_MAX_NEW_TOKENS;
  }

  /** The run seed; every random stream of the run derives from it. */
  @Value.Default
  public long seed() {
    return 0L;
  }

  /** How Best-of-N breaks reward ties (SPEC S1). */
  @Value.Default
  public TieRule tieRule() {
    return TieRule.STRICT;
  }

  /**
   * Steps between the reference's scoring passes (default 1: every step). Where the reference only
   * feeds the {@code kl/ref} metric (every BOND variant; REINFORCE without a KL penalty), {@code
   * kl/ref} is computed and reported on steps that are multiples of this and absent from the other
   * steps' reports; the training itself does not change. REINFORCE with a KL penalty needs the
   * reference every step and refuses a value above 1.
   */
  @Value.Default
  public int referenceEvery() {
    return 1;
  }

  /** Whether step {@code step} computes the reference's log-probabilities for {@code kl/ref}. */
  public boolean scoresReference(long step) {
    return step % referenceEvery() == 0;
  }

  /** A builder with the defaults. */
  public static ImmutableTrainingSettings.Builder builder() {
    return ImmutableTrainingSettings.builder();
  }

  /** A builder holding these settings. */
  public ImmutableTrainingSettings.Builder toBuilder() {
    return builder().from(this);
  }

  @Value.Check
  protected void check() {
    Problems.of("TrainingSettings").atLeast("batchSize", batchSize(), 1)
        .atLeast("maxNewTokens", maxNewTokens(), 1)
        .atLeast("referenceEvery", referenceEvery(), 1).throwIfAny();
  }
}
