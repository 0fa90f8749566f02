package dev.bond4j.anchor;

import dev.bond4j.Problems;
import dev.bond4j.model.Policy;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import java.nio.file.Path;

/**
 * Iterative BOND's moving anchor (SPEC S6, Algorithm 1): {@code π_anc ← π} every {@code K} steps.
 * J-BOND's ablation (App. B.4) uses it in place of the EMA.
 */
public final class PeriodicAnchor implements Anchor {
  private final PolicySnapshot snapshot;
  private final int every;

  PeriodicAnchor(PolicySnapshot snapshot, int every) {
    Problems.require(every >= 1, "every", every, "a number of steps >= 1");
    this.snapshot = snapshot;
    this.every = every;
  }

  /** The period {@code K} in steps. */
  public int every() {
    return every;
  }

  @Override
  public Policy policy() {
    return snapshot;
  }

  @Override
  public boolean afterStep(TrainablePolicy trained, long step) {
    if (step % every != 0) {
      return false;
    }
    snapshot.moveToward(trained, 1.0);
    return true;
  }

  @Override
  public void save(Path directory) {
    snapshot.save(directory);
  }

  @Override
  public void restore(Path directory) {
    snapshot.restore(directory);
  }

  /** Closes the snapshot the anchor started from and moved. */
  @Override
  public void close() {
    snapshot.close();
  }
}
