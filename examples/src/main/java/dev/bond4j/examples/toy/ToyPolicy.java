package dev.bond4j.examples.toy;

import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.UpdateResult;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Path;
import java.util.List;

/**
 * A user-written toy backend: a trainable policy that keeps its parameters in a tabular model of
 * the exact testbed and counts the tokens it generates (what a metered serving wrapper would do).
 * The example test runs bond-testkit's conformance suite against it.
 */
public final class ToyPolicy extends ToyBase implements TrainablePolicy {
  final TabularPolicy model;

  /** A toy policy over {@code model}, which it owns from now on. */
  public ToyPolicy(TabularPolicy model) {
    super(model);
    this.model = model;
  }

  /** The parameters, for the conformance suite. */
  public double[] parameters() {
    return model.parameters();
  }

  @Override
  public UpdateResult update(List<WeightedSequence> batch) {
    return model.update(batch);
  }

  @Override
  public OptimizerSettings optimizerSettings() {
    return model.optimizerSettings();
  }

  @Override
  public long steps() {
    return model.steps();
  }

  @Override
  public PolicySnapshot snapshot() {
    return new ToySnapshot(model.snapshot());
  }

  @Override
  public void save(Path directory) {
    model.save(directory);
  }

  @Override
  public void load(Path directory) {
    model.load(directory);
  }
}
