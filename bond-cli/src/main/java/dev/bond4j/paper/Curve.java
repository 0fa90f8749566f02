package dev.bond4j.paper;

import java.util.Arrays;

/**
 * One training run evaluated exactly at regular steps: the series the paper's figures plot.
 *
 * @param label the run's name in legends
 * @param steps step of each evaluation (0 is the reference itself)
 * @param reward {@code E_π[r]}
 * @param klFromReference {@code KL(π || π_ref)}
 * @param logQuantile {@code E_π[log p≤]} against {@code π_ref}
 * @param klToBestOfN {@code KL(π || π_BoN)}
 * @param klFromBestOfN {@code KL(π_BoN || π)}
 */
public record Curve(String label, double[] steps, double[] reward, double[] klFromReference,
    double[] logQuantile, double[] klToBestOfN, double[] klFromBestOfN) {

  /** Number of evaluation points. */
  public int size() {
    return steps.length;
  }

  /** The value of {@code series} at the last evaluation. */
  public static double last(double[] series) {
    return series[series.length - 1];
  }

  /** Mean of {@code series} over its last quarter of evaluations (at least one point). */
  public static double tailMean(double[] series) {
    int count = Math.max(1, series.length / 4);
    double sum = 0;
    for (int i = series.length - count; i < series.length; i++) {
      sum += series[i];
    }
    return sum / count;
  }

  /** The largest value of {@code series}. */
  public static double max(double[] series) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : series) {
      m = Math.max(m, v);
    }
    return m;
  }

  /** The least-squares slope of {@code y} against {@code x} over the last quarter (>= 2 points). */
  public static double tailSlope(double[] x, double[] y) {
    int count = Math.max(2, x.length / 4);
    int from = Math.max(0, x.length - count);
    double[] fit = line(Arrays.copyOfRange(x, from, x.length),
        Arrays.copyOfRange(y, from, y.length));
    return fit[0];
  }

  /** R² of the least-squares line through (x, y). */
  public static double linearR2(double[] x, double[] y) {
    return line(x, y)[1];
  }

  /** {slope, R²} of the least-squares line through (x, y). */
  private static double[] line(double[] x, double[] y) {
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i] / x.length;
      my += y[i] / y.length;
    }
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    double slope = sxx == 0 ? 0 : sxy / sxx;
    double r2 = syy == 0 ? 1.0 : sxy * sxy / (sxx * syy);
    return new double[] {slope, r2};
  }

  /**
   * The reward this run reaches at {@code kl}: the upper envelope of its (KL, reward) polyline,
   * linearly interpolated; NaN outside the KL range the run covers.
   */
  public double rewardAtKl(double kl) {
    return envelope(klFromReference, reward, kl, true);
  }

  /**
   * The smallest KL from the reference at which this run reaches {@code target} reward, linearly
   * interpolated along its path; NaN when never reached.
   */
  public double klAtReward(double target) {
    return envelope(reward, klFromReference, target, false);
  }

  private static double envelope(double[] x, double[] y, double at, boolean max) {
    double best = Double.NaN;
    for (int i = 1; i < x.length; i++) {
      double lo = Math.min(x[i - 1], x[i]);
      double hi = Math.max(x[i - 1], x[i]);
      if (at < lo || at > hi) {
        continue;
      }
      double t = hi == lo ? 0 : (at - x[i - 1]) / (x[i] - x[i - 1]);
      double value = y[i - 1] + t * (y[i] - y[i - 1]);
      if (Double.isNaN(best) || (max ? value > best : value < best)) {
        best = value;
      }
    }
    return best;
  }
}
