package dev.bond4j.algorithm;

import dev.bond4j.Problems;
import dev.bond4j.value.StepReport;
import java.nio.file.Path;

/**
 * Checkpoints a trainer every {@code every} steps, so that a crash loses at most that many steps;
 * {@link Trainer#resume} picks the run up from the latest one.
 */
public final class PeriodicCheckpoint implements TrainingListener {
  private final Trainer trainer;
  private final CheckpointStore store;
  private final int every;

  /** Checkpoints {@code trainer} into {@code store} every {@code every} steps. */
  public PeriodicCheckpoint(Trainer trainer, CheckpointStore store, int every) {
    Problems.require(every >= 1, "every", every, "a number of steps >= 1");
    this.trainer = trainer;
    this.store = store;
    this.every = every;
  }

  /** Checkpoints {@code trainer} under {@code directory} every {@code every} steps. */
  public PeriodicCheckpoint(Trainer trainer, Path directory, int every) {
    this(trainer, new CheckpointStore(directory), every);
  }

  @Override
  public void onStep(StepReport report) {
    if (report.step() % every == 0) {
      trainer.checkpoint(store);
    }
  }
}
