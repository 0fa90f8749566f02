package dev.bond4j.model;

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
}
