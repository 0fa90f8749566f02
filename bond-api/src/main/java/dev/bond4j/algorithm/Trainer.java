package dev.bond4j.algorithm;

import dev.bond4j.value.StepReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A training loop that advances one step at a time. Every step is the pipeline sample → score →
 * estimate → weigh → update → move anchor → log, and returns a {@link StepReport} with the metrics
 * of SPEC S10.
 */
public interface Trainer {
  /** Runs one step and reports it. */
  StepReport step();

  /** Steps run so far. */
  long steps();

  /**
   * Writes everything needed to resume exactly after the current step (policy with optimizer
   * state, anchor, step) to {@code directory/step-N}, atomically, and marks it as the latest.
   * Random streams derive from the seed and the step, so they need no saving.
   *
   * @return the checkpoint's folder
   */
  Path checkpoint(Path directory);

  /** Restores the latest checkpoint under {@code directory}; the next step continues the run. */
  void resume(Path directory);

  /** Registers a listener called at every step. */
  void addListener(TrainingListener listener);

  /** Runs {@code count} steps and returns their reports. */
  default List<StepReport> train(int count) {
    List<StepReport> reports = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      reports.add(step());
    }
    return reports;
  }
}
