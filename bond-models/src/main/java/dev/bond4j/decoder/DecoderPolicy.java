package dev.bond4j.decoder;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.model.EngineInfo;
import dev.bond4j.model.Policy;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.nio.file.Path;
import java.util.List;

/**
 * What every engine's trainable policy and frozen snapshot share: a {@link DecoderModel} that
 * samples, scores and reports its shape, parameters and logits. Holds native memory until {@link
 * #close}.
 *
 * @param <M> the engine's model
 */
public abstract class DecoderPolicy<M extends DecoderModel> implements Policy, AutoCloseable {
  /** The engine's model. */
  protected final M model;

  /** A policy over {@code model}, which it closes. */
  protected DecoderPolicy(M model) {
    this.model = model;
  }

  /** The model's shape. */
  public DecoderConfig config() {
    return model.config();
  }

  /** A copy of all parameters, in the canonical order (see {@link #parameterNames}). */
  public float[] parameters() {
    return model.parameterValues();
  }

  /**
   * A copy of the LoRA adapter's factors, then its copies of {@code modules_to_save}, in {@link
   * LoraLayout}'s order: what trains when the policy has an adapter.
   *
   * @throws dev.bond4j.BondException when the policy has no adapter
   */
  public float[] adapterParameters() {
    return requireAdapter().values();
  }

  /** The LoRA adapter the policy runs with, or null. */
  protected final LoraAdapter adapter() {
    return model.adapter();
  }

  private LoraAdapter requireAdapter() {
    if (model.adapter() == null) {
      throw new BondException(getClass().getSimpleName() + " has no LoRA adapter");
    }
    return model.adapter();
  }

  /** Names of the parameter tensors, in order ({@link DecoderLayout#names}). */
  public List<String> parameterNames() {
    return new DecoderLayout(model.config()).names();
  }

  /**
   * Full-sequence logits of equal-length token sequences, {@code [B * T * V]} row-major, for
   * parity checks against another implementation of the same checkpoint.
   */
  public float[] logits(List<TokenSequence> sequences) {
    PackedSequences.checkEqualLengths(sequences, model.config());
    return model.logits(sequences);
  }

  /**
   * Writes {@code config.json} and {@code model.safetensors}: a frozen model; with an adapter, the
   * adapter alone as a PEFT folder ({@link LoraCheckpoint}).
   */
  public void save(Path directory) {
    LoraAdapter adapter = model.adapter();
    if (adapter != null) {
      new LoraCheckpoint(adapter.layout().settings(), adapter.baseModel(), adapter.values(), null,
          null, 0).write(directory, model.config());
      return;
    }
    new DecoderCheckpoint(model.config(), model.parameterValues(), null, null, 0)
        .write(directory);
  }

  /**
   * Replaces the parameters with those of a folder {@link #save} wrote; the shape (and the
   * adapter's settings) must match.
   */
  public void restore(Path directory) {
    LoraAdapter adapter = model.adapter();
    if (adapter == null) {
      model.setParameterValues(DecoderCheckpoint.weightsFor(directory, model.config()));
      return;
    }
    LoraCheckpoint checkpoint = LoraCheckpoint.read(directory, model.config(), false);
    Problems.require(checkpoint.settings().equals(adapter.layout().settings()),
        "adapter settings in " + directory, checkpoint.settings(),
        "the snapshot's own " + adapter.layout().settings());
    adapter.store().setValues(checkpoint.weights());
  }

  @Override
  public int vocabularySize() {
    return model.config().vocabularySize();
  }

  @Override
  public int eosToken() {
    return model.config().eosToken();
  }

  @Override
  public int maxSequenceLength() {
    return model.config().maxPositions();
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
  public EngineInfo engine() {
    return model.engine();
  }

  @Override
  public void close() {
    model.close();
  }
}
