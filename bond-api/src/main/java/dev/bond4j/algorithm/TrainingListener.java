package dev.bond4j.algorithm;

import dev.bond4j.value.StepReport;

/**
 * Observes a training run: the weights of each loss term before the update (so that a guard can
 * stop at the first non-finite one), each finished step's report and the phases of checkpoint
 * writes.
 */
public interface TrainingListener {
  /**
   * Called once, before the first step a trainer runs (after a resume: the first step it runs),
   * with the run's provenance; metric files write it at their head.
   */
  default void onStart(RunProvenance provenance) {}

  /**
   * Called with the per-sequence weights of one loss term before they reach the optimizer.
   *
   * @param term the term's name: {@code forward}, {@code backward} or {@code reg}
   */
  default void onWeights(long step, String term, double[] weights) {}

  /** Called after each step with its report. */
  default void onStep(StepReport report) {}

  /** Called as the checkpoint of step {@code step} passes each phase of its write. */
  default void onCheckpoint(long step, CheckpointPhase phase) {}
}
