package dev.bond4j.examples.toy;

import dev.bond4j.BondException;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.testbed.TabularSnapshot;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import java.util.List;

/** A frozen copy of a {@link ToyPolicy}, moved toward it only by {@link #moveToward}. */
public final class ToySnapshot implements PolicySnapshot {
  private final TabularSnapshot frozen;

  ToySnapshot(TabularSnapshot frozen) {
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

  @Override
  public int vocabularySize() {
    return frozen.vocabularySize();
  }

  @Override
  public int eosToken() {
    return frozen.eosToken();
  }

  @Override
  public int maxSequenceLength() {
    return frozen.maxSequenceLength();
  }

  @Override
  public List<Completion> sample(List<Prompt> prompts, SamplingSettings settings, long seed) {
    return frozen.sample(prompts, settings, seed);
  }

  @Override
  public double[] logProbs(List<? extends PromptedSequence> sequences) {
    return frozen.logProbs(sequences);
  }
}
