package dev.bond4j.examples.toy;

import dev.bond4j.BondException;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.testbed.TabularSnapshot;

/** A frozen copy of a {@link ToyPolicy}, moved toward it only by {@link #moveToward}. */
public final class ToySnapshot extends ToyBase implements PolicySnapshot {
  private final TabularSnapshot frozen;

  ToySnapshot(TabularSnapshot frozen) {
    super(frozen);
    this.frozen = frozen;
  }

  /** The parameters, for the conformance suite. */
  public double[] parameters() {
    return frozen.parameters();
  }

  @Override
  public void moveToward(TrainablePolicy source, double eta) {
    if (!(source instanceof ToyPolicy toy)) {
      throw new BondException("source = " + source.getClass().getName()
          + ": expected a ToyPolicy (a snapshot follows a policy of its own backend)");
    }
    frozen.moveToward(toy.model, eta);
  }
}
