package dev.bond4j.testbed;

import dev.bond4j.Problems;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;

/**
 * A frozen tabular policy: the reference {@code π_ref} or an anchor of the exact testbed. It moves
 * only through {@link #moveToward}.
 */
public final class TabularSnapshot extends TabularBase implements PolicySnapshot {
  private long revision;

  TabularSnapshot(TabularModel model) {
    super(model);
  }

  TabularModel model() {
    return model;
  }

  @Override
  public long revision() {
    return revision;
  }

  @Override
  public void moveToward(TrainablePolicy source, double eta) {
    Problems.require(eta >= 0 && eta <= 1, "eta", eta, "a number in [0, 1]");
    Problems.require(source instanceof TabularPolicy, "source", source.getClass().getName(),
        "a TabularPolicy (a snapshot follows a policy of its own backend)");
    ((TabularPolicy) source).blendInto(model, eta);
    revision++;
  }
}
