package dev.bond4j.algorithm;

import dev.bond4j.Problems;
import dev.bond4j.math.TieRule;
import dev.bond4j.value.BondStyle;
import org.immutables.value.Value;

/** Settings every trainer shares: batch size, completion length, run seed and tie rule. */
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
        .atLeast("maxNewTokens", maxNewTokens(), 1).throwIfAny();
  }
}
