package dev.bond4j.dl4j;

import dev.bond4j.model.Policy;
import dev.bond4j.models.DecoderConfig;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.util.List;

/**
 * What {@link Dl4jPolicy} and {@link Dl4jSnapshot} share: a GPT-2 model that samples, scores and
 * reports its shape, parameters and logits. Holds native memory until {@link #close}.
 */
abstract class Gpt2Policy implements Policy, AutoCloseable {
  final Gpt2Model model;

  Gpt2Policy(Gpt2Model model) {
    this.model = model;
  }

  /** The model's shape. */
  public DecoderConfig config() {
    return model.config;
  }

  /** A copy of all parameters, in the canonical HuggingFace order (see {@link #parameterNames}). */
  public float[] parameters() {
    return model.parameters.values();
  }

  /** HuggingFace names of the parameter tensors, in order. */
  public List<String> parameterNames() {
    return model.parameters.layout.names();
  }

  /**
   * Full-sequence logits of equal-length token sequences, {@code [B * T * V]} row-major, for
   * parity checks against another implementation of the same checkpoint.
   */
  public float[] logits(List<TokenSequence> sequences) {
    return model.logits(sequences);
  }

  @Override
  public int vocabularySize() {
    return model.config.vocabularySize();
  }

  @Override
  public int eosToken() {
    return model.config.eosToken();
  }

  @Override
  public int maxSequenceLength() {
    return model.config.maxPositions();
  }

  @Override
  public List<Completion> sample(List<Prompt> prompts, SamplingSettings settings, long seed) {
    return model.sample(prompts, settings, seed);
  }

  @Override
  public double[] logProbs(List<? extends PromptedSequence> sequences) {
    return model.logProbs(sequences);
  }

  @Override
  public void close() {
    model.close();
  }
}
