package dev.bond4j.paper;

import dev.bond4j.testbed.ExactMetrics;
import java.util.ArrayList;
import java.util.List;

/** Collects the exact evaluations of a run, of any length, into a {@link Curve}. */
final class CurveBuilder {
  private final String label;
  private final List<double[]> rows = new ArrayList<>();

  CurveBuilder(String label) {
    this.label = label;
  }

  /** Adds the evaluation at {@code step}. */
  void add(long step, ExactMetrics m) {
    rows.add(new double[] {step, m.expectedReward(), m.klFromReference(), m.meanLogQuantile(),
        m.klToBestOfN(), m.klFromBestOfN()});
  }

  /** The least-squares slope of the log-quantile per step over the last quarter so far. */
  double tailSlope() {
    return Curve.tailSlope(column(0), column(3));
  }

  Curve build() {
    return new Curve(label, column(0), column(1), column(2), column(3), column(4), column(5));
  }

  private double[] column(int k) {
    double[] out = new double[rows.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = rows.get(i)[k];
    }
    return out;
  }
}
