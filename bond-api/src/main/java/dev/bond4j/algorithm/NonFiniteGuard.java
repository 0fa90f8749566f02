package dev.bond4j.algorithm;

import dev.bond4j.NumericalException;
import dev.bond4j.value.StepReport;
import java.util.Map;

/**
 * Stops a run at the first NaN or infinite reward, log-probability, weight or loss, with an
 * exception that names the step, the quantity and the position, before the bad value reaches the
 * policy's parameters. Every trainer installs one, and checks rewards and log-probabilities with
 * {@link #requireFinite} as soon as it has them.
 */
public final class NonFiniteGuard implements TrainingListener {
  @Override
  public void onWeights(long step, String term, double[] weights) {
    requireFinite(step, term + " weight", weights);
  }

  /**
   * Throws a {@link NumericalException} at the first value that is NaN or infinite.
   *
   * @param what the quantity, as the message names it ("reward", "anchor log-probability")
   */
  public static void requireFinite(long step, String what, double[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new NumericalException("Step " + step + ": the " + what + " of sequence " + i
            + " is " + values[i] + "; training stopped before the update. Check the reward"
            + " model, the learning rate and the policy's weights.");
      }
    }
  }

  @Override
  public void onStep(StepReport report) {
    for (Map.Entry<String, Double> metric : report.metrics().entrySet()) {
      if (metric.getKey().startsWith("loss/") && !Double.isFinite(metric.getValue())) {
        throw new NumericalException("Step " + report.step() + ": " + metric.getKey() + " is "
            + metric.getValue() + "; training stopped.");
      }
    }
  }
}
