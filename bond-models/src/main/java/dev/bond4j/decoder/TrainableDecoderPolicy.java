package dev.bond4j.decoder;

import dev.bond4j.BondException;
import dev.bond4j.InvalidArgumentException;
import dev.bond4j.NumericalException;
import dev.bond4j.Problems;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.UpdateResult;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What every engine's trainable decoder policy shares: the update on {@code −Σ w_i log π(y_i|x_i)}
 * split into micro-batches whose gradients add up before one optimizer step (the same result as
 * one batch), and checkpoints in the {@link DecoderCheckpoint} format with exact resume. A policy
 * whose model runs a {@link LoraAdapter} trains only the adapter (the engine's optimizer holds the
 * factors) and checkpoints it as a PEFT folder ({@link LoraCheckpoint}). An engine supplies the
 * forward and backward pass of one micro-batch and its {@link OptimizerState}.
 *
 * @param <M> the engine's model
 */
public abstract class TrainableDecoderPolicy<M extends DecoderModel> extends DecoderPolicy<M>
    implements TrainablePolicy {
  private UpdateResult lastUpdate;

  /** A policy over {@code model}, which it closes. */
  protected TrainableDecoderPolicy(M model) {
    super(model);
  }

  /** The engine's optimizer. */
  protected abstract OptimizerState optimizer();

  /** The fewest positions a packed micro-batch may have on this engine. */
  protected abstract int minimumLength();

  /**
   * Forward and backward of one micro-batch; its gradients add to the accumulated ones.
   *
   * @return the micro-batch's loss {@code −Σ w log π}, summed in double precision
   */
  protected abstract double accumulate(PackedSequences packed, List<WeightedSequence> sequences);

  /** Called after each optimizer step, for engines that release memory then. */
  protected void afterStep() {}

  @Override
  public final UpdateResult update(List<WeightedSequence> batch) {
    Problems.require(!batch.isEmpty(), "batch", batch.size(), "at least one weighted sequence");
    requireNoTrainingDropout();
    OptimizerSettings settings = optimizer().settings();
    int micro = settings.microBatchSize() == 0 ? batch.size() : settings.microBatchSize();
    List<List<WeightedSequence>> parts = new ArrayList<>();
    List<PackedSequences> packed = new ArrayList<>();
    long tokens = 0;
    for (int from = 0; from < batch.size(); from += micro) {
      List<WeightedSequence> part = batch.subList(from, Math.min(batch.size(), from + micro));
      parts.add(part);
      packed.add(PackedSequences.of(part, model.config(), minimumLength()));
      tokens += packed.get(packed.size() - 1).tokenCount();
    }
    optimizer().zeroGradients();
    double loss = 0;
    for (int i = 0; i < parts.size(); i++) {
      loss += accumulate(packed.get(i), parts.get(i));
    }
    if (!Double.isFinite(loss)) {
      throw new NumericalException("The loss is " + loss + "; the step was skipped");
    }
    double norm = optimizer().step();
    afterStep();
    lastUpdate = UpdateResult.builder().loss(loss).gradientNorm(norm)
        .learningRate(settings.learningRateAt(optimizer().steps())).sequences(batch.size())
        .tokens(tokens).build();
    return lastUpdate;
  }

  /**
   * Refuses to train an adapter with dropout: PEFT drops the adapter's input only while training,
   * which bond4j does not implement yet; sampling, scoring, merging and saving such an adapter
   * work, since there dropout is the identity.
   */
  private void requireNoTrainingDropout() {
    LoraAdapter adapter = model.adapter();
    double dropout = adapter == null ? 0 : adapter.layout().settings().dropout();
    if (dropout != 0) {
      throw new InvalidArgumentException("lora.dropout = " + dropout
          + ": dropout while training is not implemented; train with lora.dropout 0 (an adapter"
          + " with dropout loads, samples, scores, merges and exports, where dropout does"
          + " nothing)");
    }
  }

  /** What the most recent {@link #update} reported, for monitoring; empty before the first. */
  public Optional<UpdateResult> lastUpdate() {
    return Optional.ofNullable(lastUpdate);
  }

  @Override
  public OptimizerSettings optimizerSettings() {
    return optimizer().settings();
  }

  @Override
  public long steps() {
    return optimizer().steps();
  }

  /**
   * Writes {@code config.json}, {@code model.safetensors} and {@code optimizer.safetensors}; for a
   * LoRA policy the adapter folder ({@link LoraCheckpoint}: PEFT's files and the optimizer state of
   * the factors).
   */
  @Override
  public void save(Path directory) {
    OptimizerState optimizer = optimizer();
    LoraAdapter adapter = model.adapter();
    if (adapter != null) {
      new LoraCheckpoint(adapter.layout().settings(), adapter.baseModel(), adapter.values(),
          optimizer.firstMoment(), optimizer.secondMoment(), optimizer.steps())
          .write(directory, model.config());
      return;
    }
    new DecoderCheckpoint(model.config(), model.parameterValues(), optimizer.firstMoment(),
        optimizer.secondMoment(), optimizer.steps()).write(directory);
  }

  /**
   * Resumes from a folder {@link #save} wrote: weights (a LoRA policy's adapter, whose settings
   * must be the policy's), moments and step.
   */
  @Override
  public void load(Path directory) {
    LoraAdapter adapter = model.adapter();
    if (adapter == null) {
      DecoderCheckpoint checkpoint = DecoderCheckpoint.resumable(directory, model.config(),
          getClass().getSimpleName() + ".load");
      model.setParameterValues(checkpoint.weights());
      optimizer().restore(checkpoint.firstMoment(), checkpoint.secondMoment(), checkpoint.steps());
      return;
    }
    LoraCheckpoint checkpoint = LoraCheckpoint.read(directory, model.config(), true);
    Problems.require(checkpoint.settings().equals(adapter.layout().settings()),
        "adapter settings in " + directory, checkpoint.settings(),
        "the policy's own " + adapter.layout().settings());
    if (!checkpoint.hasOptimizerState()) {
      throw new BondException("The checkpoint " + directory + " has no "
          + DecoderCheckpoint.OPTIMIZER_FILE + "; load it as a policy to start from the adapter");
    }
    adapter.store().setValues(checkpoint.weights());
    optimizer().restore(checkpoint.firstMoment(), checkpoint.secondMoment(), checkpoint.steps());
  }

  /** Restores the optimizer of a freshly loaded folder: its state when it has one, else fresh. */
  protected final void restoreOptimizer(DecoderCheckpoint checkpoint) {
    optimizer().restore(checkpoint.firstMoment(), checkpoint.secondMoment(), checkpoint.steps());
  }
}
