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
 * factors), with PEFT's dropout of each micro-batch ({@link LoraDropout}, handed to the engine by
 * {@link #trainingDropout}), and checkpoints it as a PEFT folder ({@link LoraCheckpoint}). An engine supplies the
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

  /**
   * Hands the engine the LoRA dropout of the micro-batch its next {@link #accumulate} runs, or
   * null after it (and for an adapter without dropout): the adapter's branch of every adapted
   * layer multiplies its input by {@link LoraDropout#mask} while it is set. This default refuses
   * dropout, for engines that do not train with it.
   */
  protected void trainingDropout(LoraDropout dropout) {
    if (dropout != null) {
      throw new InvalidArgumentException("lora.dropout = " + dropout.layout().settings().dropout()
          + ": this engine does not train with LoRA dropout; use djl or dl4j, or lora.dropout 0");
    }
  }

  @Override
  public final UpdateResult update(List<WeightedSequence> batch) {
    Problems.require(!batch.isEmpty(), "batch", batch.size(), "at least one weighted sequence");
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
    LoraAdapter adapter = model.adapter();
    long step = optimizer().steps();
    for (int i = 0; i < parts.size(); i++) {
      trainingDropout(adapter == null ? null
          : LoraDropout.of(adapter.layout(), step, i * micro, parts.get(i)));
      try {
        loss += accumulate(packed.get(i), parts.get(i));
      } finally {
        trainingDropout(null);
      }
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
