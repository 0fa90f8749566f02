package dev.bond4j.algorithm;

import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.value.Completion;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.UpdateResult;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A test double whose samples and log-probabilities are scripted, and which records the batches
 * handed to the optimizer, so that a trainer's weights can be checked against hand computation.
 */
final class ScriptedPolicy implements TrainablePolicy, PolicySnapshot {
  private final Map<TokenSequence, Double> logProbs;
  private final Deque<List<TokenSequence>> script = new ArrayDeque<>();
  final List<List<WeightedSequence>> updates = new ArrayList<>();

  ScriptedPolicy(Map<TokenSequence, Double> logProbs) {
    this.logProbs = logProbs;
  }

  /** The completions the next call of {@link #sample} returns, one per prompt. */
  ScriptedPolicy thenSample(TokenSequence... completions) {
    script.add(List.of(completions));
    return this;
  }

  @Override
  public List<Completion> sample(List<Prompt> prompts, SamplingSettings settings, long seed) {
    List<TokenSequence> next = script.remove();
    List<Completion> out = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      TokenSequence y = next.get(i);
      double[] perToken = new double[y.length()];
      perToken[0] = logProbs.get(y);
      out.add(Completion.builder().prompt(prompts.get(i)).completion(y).tokenLogProbs(perToken)
          .endedWithEos(false).build());
    }
    return out;
  }

  @Override
  public double[] logProbs(List<? extends PromptedSequence> sequences) {
    return sequences.stream().mapToDouble(s -> logProbs.get(s.completion())).toArray();
  }

  @Override
  public UpdateResult update(List<WeightedSequence> batch) {
    updates.add(batch);
    double loss = 0;
    for (WeightedSequence s : batch) {
      loss -= s.weight() * logProbs.get(s.completion());
    }
    return UpdateResult.builder().loss(loss).gradientNorm(0).learningRate(1).sequences(batch.size())
        .tokens(batch.size()).build();
  }

  @Override
  public int vocabularySize() {
    return 10;
  }

  @Override
  public int eosToken() {
    return 0;
  }

  @Override
  public int maxSequenceLength() {
    return 4;
  }

  @Override
  public OptimizerSettings optimizerSettings() {
    return OptimizerSettings.defaults();
  }

  @Override
  public long steps() {
    return updates.size();
  }

  @Override
  public PolicySnapshot snapshot() {
    return this;
  }

  @Override
  public void moveToward(TrainablePolicy source, double eta) {}

  @Override
  public void save(Path directory) {}

  @Override
  public void load(Path directory) {}
}
