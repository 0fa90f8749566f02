package dev.bond4j.model;

import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.UpdateResult;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Path;
import java.util.List;

/**
 * A policy whose parameters an optimizer can move. Every loss of the paper reduces to weights on
 * sequence log-probabilities, so the only training operation is {@link #update}: one optimizer
 * step on {@code L(θ) = −Σ_i w_i · log π_θ(y_i | x_i)}.
 */
public interface TrainablePolicy extends Policy {
  /**
   * Takes one optimizer step on the weighted sequences. Splitting the batch into micro-batches
   * (see {@link OptimizerSettings#microBatchSize()}) gives the same update as one batch.
   *
   * @param batch the weighted sequences; weights carry any averaging already
   * @return the loss before the step, the gradient norm and the learning rate used
   */
  UpdateResult update(List<WeightedSequence> batch);

  /** The optimizer settings in force. */
  OptimizerSettings optimizerSettings();

  /** Optimizer steps taken so far. */
  long steps();

  /** A frozen copy of the current parameters, for example the initial anchor. */
  PolicySnapshot snapshot();

  /**
   * The reference {@code π_ref} a run from this policy measures against: by default a frozen copy
   * of the current parameters; a policy that trains an adapter over frozen base weights returns
   * the base with the adapter off, without copying it.
   */
  default PolicySnapshot referenceSnapshot() {
    return snapshot();
  }

  /**
   * Writes parameters, optimizer state and step count under {@code directory}, atomically: a
   * crash leaves either the previous files or the new ones.
   */
  void save(Path directory);

  /** Restores what {@link #save} wrote; training then resumes exactly. */
  void load(Path directory);
}
