package dev.bond4j.dl4j;

import dev.bond4j.models.DecoderCheckpoint;
import java.nio.file.Path;

/**
 * Moves a dl4j policy's parameters and AdamW state in and out of the shared {@link
 * DecoderCheckpoint} format (the same files as the DJL backend's).
 */
final class Checkpoint {
  private Checkpoint() {}

  /** Writes the folder; {@code optimizer} may be null for a frozen model. */
  static void write(Path directory, Dl4jParameters parameters, AdamW optimizer) {
    new DecoderCheckpoint(parameters.layout.config(), parameters.values(),
        optimizer == null ? null : Dl4jParameters.valuesOf(optimizer.firstMoment),
        optimizer == null ? null : Dl4jParameters.valuesOf(optimizer.secondMoment),
        optimizer == null ? 0 : optimizer.steps).write(directory);
  }

  /** Sets the optimizer's moments and step; without optimizer state, a fresh optimizer. */
  static void restoreOptimizer(DecoderCheckpoint checkpoint, AdamW optimizer) {
    float[] zeros = new float[checkpoint.weights().length];
    Dl4jParameters.overwrite(optimizer.firstMoment,
        checkpoint.hasOptimizerState() ? checkpoint.firstMoment() : zeros);
    Dl4jParameters.overwrite(optimizer.secondMoment,
        checkpoint.hasOptimizerState() ? checkpoint.secondMoment() : zeros);
    optimizer.steps = checkpoint.steps();
  }
}
