package dev.bond4j.anchor;

import dev.bond4j.model.Policy;
import dev.bond4j.model.TrainablePolicy;
import java.util.Objects;

/** An anchor that never moves: plain BOND against {@code π_ref}, vBoN and the RLHF baselines. */
public final class FixedAnchor implements Anchor {
  private final Policy policy;

  FixedAnchor(Policy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  @Override
  public Policy policy() {
    return policy;
  }

  @Override
  public boolean afterStep(TrainablePolicy trained, long step) {
    return false;
  }
}
