package dev.bond4j.anchor;

import dev.bond4j.Problems;
import dev.bond4j.model.Policy;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import java.nio.file.Path;

/**
 * J-BOND's exponential-moving-average anchor (SPEC S7.7, Eq. 18): after every step,
 * {@code θ_anc ← (1−η) · θ_anc + η · θ}, parameter by parameter. The paper's default is
 * {@code η = 0.02}.
 */
public final class EmaAnchor implements Anchor {
  private final PolicySnapshot snapshot;
  private final double eta;

  EmaAnchor(PolicySnapshot snapshot, double eta) {
    Problems.require(eta >= 0 && eta <= 1, "eta", eta, "a number in [0, 1]");
    this.snapshot = snapshot;
    this.eta = eta;
  }

  /** The EMA rate {@code η}. */
  public double eta() {
    return eta;
  }

  @Override
  public Policy policy() {
    return snapshot;
  }

  @Override
  public boolean afterStep(TrainablePolicy trained, long step) {
    if (eta == 0) {
      return false;
    }
    snapshot.moveToward(trained, eta);
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
