package dev.bond4j.djl;

import dev.bond4j.models.DecoderCheckpoint;
import java.nio.file.Path;

/**
 * Moves a DJL policy's parameters and AdamW state in and out of the shared {@link DecoderCheckpoint}
 * format.
 */
final class Checkpoint {
  private Checkpoint() {}

  /** Writes the folder; {@code optimizer} may be null for a frozen model. */
  static void write(Path directory, DjlParameters parameters, AdamW optimizer) {
    new DecoderCheckpoint(parameters.config, parameters.values(),
        optimizer == null ? null : optimizer.firstMoment.toFloatArray(),
        optimizer == null ? null : optimizer.secondMoment.toFloatArray(),
        optimizer == null ? 0 : optimizer.steps).write(directory);
  }

  /** Sets the optimizer's moments and step; without optimizer state, a fresh optimizer. */
  static void restoreOptimizer(DecoderCheckpoint checkpoint, AdamW optimizer) {
    int size = checkpoint.weights().length;
    DjlParameters.overwrite(optimizer.firstMoment,
        checkpoint.hasOptimizerState() ? checkpoint.firstMoment() : new float[size]);
    DjlParameters.overwrite(optimizer.secondMoment,
        checkpoint.hasOptimizerState() ? checkpoint.secondMoment() : new float[size]);
    optimizer.steps = checkpoint.steps();
  }
}
