package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.models.Gpt2Config;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.nio.file.Path;
import java.util.List;

/**
 * A frozen GPT-2 policy on DJL: the reference {@code π_ref} or an anchor. It moves only through
 * {@link #moveToward}, an in-place blend of its flat parameter buffer toward a {@link DjlPolicy}'s.
 * It holds native memory: {@link #close} it.
 */
public final class DjlSnapshot implements PolicySnapshot, AutoCloseable {
  private final Gpt2Model model;

  DjlSnapshot(Gpt2Model model) {
    this.model = model;
  }

  /** A frozen policy from a HuggingFace GPT-2 folder ({@code config.json}, {@code model.safetensors}). */
  public static DjlSnapshot load(Path directory, DjlOptions options) {
    Checkpoint checkpoint = Checkpoint.read(directory, false);
    return new DjlSnapshot(new Gpt2Model(Gpt2Parameters.of(checkpoint.config(),
        checkpoint.weights(), DjlRuntime.prepare(options), false)));
  }

  /** Writes {@code config.json} and {@code model.safetensors} under {@code directory}. */
  public void save(Path directory) {
    Checkpoint.write(directory, model.parameters, null);
  }

  /** The model's shape. */
  public Gpt2Config config() {
    return model.config;
  }

  /** A copy of all parameters, in the canonical HuggingFace order. */
  public float[] parameters() {
    return model.parameters.values();
  }

  @Override
  public void moveToward(TrainablePolicy source, double eta) {
    Problems.require(eta >= 0 && eta <= 1, "eta", eta, "a number in [0, 1]");
    if (!(source instanceof DjlPolicy policy)) {
      throw new BondException("A DJL snapshot can only follow a DjlPolicy, not "
          + source.getClass().getName());
    }
    Gpt2Parameters from = policy.parametersInternal();
    Problems.require(from.config.equals(model.config), "source.config", from.config,
        "the snapshot's config " + model.config);
    NDArray target = model.parameters.flat;
    try (NDScope scope = new NDScope()) {
      NDArray incoming = from.flat.toDevice(target.getDevice(), false);
      if (eta == 1.0) {
        target.muli(0f).addi(incoming);
      } else {
        target.muli((float) (1 - eta)).addi(incoming.mul((float) eta));
      }
    }
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
