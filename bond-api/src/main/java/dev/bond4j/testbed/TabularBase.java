package dev.bond4j.testbed;

import dev.bond4j.model.Policy;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import java.util.List;

/**
 * What a trainable tabular policy and a frozen one share: a {@link TabularModel} and everything
 * computed from it (sampling, log-probabilities, the exact distribution).
 */
abstract class TabularBase implements Policy, ExactDistribution {
  final TabularModel model;

  TabularBase(TabularModel model) {
    this.model = model;
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

  /** A copy of the parameters, laid out {@code [context][state][token]}. */
  public double[] parameters() {
    return model.logits.clone();
  }

  @Override
  public int vocabularySize() {
    return model.space.vocabularySize();
  }

  @Override
  public int eosToken() {
    return model.space.eosToken();
  }

  /** The prompt's one context token plus the longest completion. */
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
