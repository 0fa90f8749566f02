package dev.bond4j.testbed;

import dev.bond4j.Problems;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import java.util.List;

/**
 * A frozen tabular policy: the reference {@code π_ref} or an anchor of the exact testbed. It moves
 * only through {@link #moveToward}.
 */
public final class TabularSnapshot implements PolicySnapshot, ExactDistribution {
  private final TabularModel model;
  private long revision;

  TabularSnapshot(TabularModel model) {
    this.model = model;
  }

  TabularModel model() {
    return model;
  }

  /** The sequence space. */
  @Override
  public SequenceSpace space() {
    return model.space;
  }

  /** Number of contexts. */
  @Override
  public int contexts() {
    return model.contexts;
  }

  /** The exact distribution over the space for {@code context}, in index order. */
  @Override
  public double[] distribution(int context) {
    return model.distribution(context);
  }

  /** A copy of the parameters. */
  public double[] parameters() {
    return model.logits.clone();
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

  @Override
  public int vocabularySize() {
    return model.space.vocabularySize();
  }

  @Override
  public int eosToken() {
    return model.space.eosToken();
  }

  @Override
  public int maxSequenceLength() {
    return 1 + model.space.maxLength();
  }

  @Override
  public List<Completion> sample(List<Prompt> prompts, SamplingSettings settings, long seed) {
    return model.sample(prompts, settings, seed);
  }

  @Override
  public double[] logProbs(List<? extends PromptedSequence> sequences) {
    return model.logProbs(sequences);
  }
}
