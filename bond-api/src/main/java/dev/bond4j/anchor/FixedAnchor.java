package dev.bond4j.anchor;

import dev.bond4j.model.Policy;
import dev.bond4j.model.TrainablePolicy;
import java.nio.file.Path;
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

  /** Nothing to save: the anchor never moves. */
  @Override
  public void save(Path directory) {}

  /** Nothing to restore: the anchor never moves. */
  @Override
  public void restore(Path directory) {}
}
