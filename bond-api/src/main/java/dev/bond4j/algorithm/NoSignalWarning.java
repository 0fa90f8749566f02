package dev.bond4j.algorithm;

import dev.bond4j.value.StepReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a warning when a batch carries no reward signal: every reward in it was tied, so only the
 * regularising terms moved the policy. Repeated warnings are summarised so logs stay readable.
 * Every trainer installs one.
 */
public final class NoSignalWarning implements TrainingListener {
  private static final Logger LOG = LoggerFactory.getLogger(NoSignalWarning.class);

  private long silentSteps;

  @Override
  public void onStep(StepReport report) {
    if (report.metric(Metrics.REWARD_STD).orElse(1) == 0
        && report.metric(Metrics.REWARD_ANCHOR_STD).orElse(0) == 0) {
      silentSteps++;
      if (Long.bitCount(silentSteps) == 1) {
        LOG.warn("Step {}: every reward in the batch is tied, so the batch carries no learning"
            + " signal ({} such steps so far). Is the reward model constant on these prompts?",
            report.step(), silentSteps);
      }
    }
  }

  /** Steps so far whose batch carried no reward signal. */
  public long silentSteps() {
    return silentSteps;
  }
}
