package dev.bond4j.value;

import dev.bond4j.Problems;
import org.immutables.value.Value;

/** A completion together with its reward {@code r(x, y)}: the unit every trainer reasons about. */
@Value.Immutable
@BondStyle
public abstract class Rollout {
  /** The sampled completion. */
  @Value.Parameter
  public abstract Completion completion();

  /** Its scalar reward. */
  @Value.Parameter
  public abstract double reward();

  /** A rollout of {@code completion} with {@code reward}. */
  public static Rollout of(Completion completion, double reward) {
    return ImmutableRollout.of(completion, reward);
  }

  @Value.Check
  protected void check() {
    Problems.of("Rollout").finite("reward", reward())
        .throwIfAny();
  }
}
