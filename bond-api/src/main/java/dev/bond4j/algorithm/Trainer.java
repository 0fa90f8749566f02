package dev.bond4j.algorithm;

import dev.bond4j.value.StepReport;
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
