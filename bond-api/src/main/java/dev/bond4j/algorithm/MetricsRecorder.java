package dev.bond4j.algorithm;

import dev.bond4j.value.StepReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Keeps every step report of a run in memory, for plots, sinks and tests. */
public final class MetricsRecorder implements TrainingListener {
  private final List<StepReport> reports = new ArrayList<>();

  @Override
  public void onStep(StepReport report) {
    reports.add(report);
  }

  /** The reports so far, oldest first. */
  public List<StepReport> reports() {
    return Collections.unmodifiableList(reports);
  }

  /** The series of one metric, one value per step (NaN where a step lacks it). */
  public double[] series(String key) {
    return reports.stream().mapToDouble(r -> r.metric(key).orElse(Double.NaN)).toArray();
  }
}
