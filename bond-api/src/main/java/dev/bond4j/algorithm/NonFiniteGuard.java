package dev.bond4j.algorithm;

import dev.bond4j.NumericalException;
import dev.bond4j.value.StepReport;
import java.util.Map;

/**
 * Stops a run at the first NaN or infinite weight or loss, with an exception that names the step,
 * the term and the position, before the bad value reaches the policy's parameters. Every trainer
 * installs one.
 */
public final class NonFiniteGuard implements TrainingListener {
  @Override
  public void onWeights(long step, String term, double[] weights) {
    for (int i = 0; i < weights.length; i++) {
      if (!Double.isFinite(weights[i])) {
        throw new NumericalException("Step " + step + ": the " + term + " weight of sequence " + i
            + " is " + weights[i] + "; training stopped before the update. Check the rewards and"
            + " log-probabilities of this batch.");
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
