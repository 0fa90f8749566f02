package dev.bond4j.model;

import dev.bond4j.BondException;
import java.nio.file.Path;

/**
 * A frozen copy of a trainable policy's parameters that can be moved toward the policy in place:
 * the anchor {@code π_anc} of iterative BOND (periodic copy) and J-BOND (exponential moving
 * average, SPEC S7.7).
 */
public interface PolicySnapshot extends Policy {
  /**
   * Sets {@code θ_snapshot ← (1−η) · θ_snapshot + η · θ_source}, parameter by parameter.
   * {@code η = 1} copies the source.
   *
   * @param source a policy of the same backend and shape
   * @param eta the step size, in [0, 1]
   */
  void moveToward(TrainablePolicy source, double eta);

  /**
   * Writes the snapshot's parameters under {@code directory}, so that a training run's anchor can
   * be checkpointed. Backends that cannot say so with a {@link BondException}.
   */
  default void save(Path directory) {
    throw new BondException(getClass().getSimpleName() + " cannot save its parameters, so a run"
        + " with a moving anchor on this backend cannot be checkpointed");
  }

  /** Replaces the parameters, in place, with those {@link #save} wrote under {@code directory}. */
  default void restore(Path directory) {
    throw new BondException(getClass().getSimpleName() + " cannot restore its parameters, so a"
        + " run with a moving anchor on this backend cannot be resumed");
  }
}
