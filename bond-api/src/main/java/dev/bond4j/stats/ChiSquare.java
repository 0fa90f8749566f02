package dev.bond4j.stats;

import dev.bond4j.Problems;
import java.util.ArrayList;
import java.util.List;

/**
 * The chi-square distribution and Pearson's goodness-of-fit test, used by seeded statistical tests
 * (Best-of-N simulation, backend sampling frequencies). The survival function uses the regularised
 * incomplete gamma function (series and continued fraction, accurate to about 1e-12).
 */
public final class ChiSquare {
  private ChiSquare() {}

  /** Result of a goodness-of-fit test after pooling sparse cells. */
  public record Fit(double statistic, int degreesOfFreedom, double pValue, int cells) {}

  /** {@code P[X > x]} for {@code X ~ χ²(df)}. */
  public static double survival(double x, int df) {
    Problems.require(df >= 1, "df", df, "an integer >= 1");
    if (x <= 0) {
      return 1.0;
    }
    return regularizedUpperGamma(df / 2.0, x / 2.0);
  }

  /**
   * Pearson's chi-square test of observed counts against expected probabilities. Cells whose
   * expected count is below {@code minExpected} are pooled (in the given order) with the next, so
   * the asymptotic law applies.
   */
  public static Fit goodnessOfFit(long[] observed, double[] expectedProbs, double minExpected) {
    Problems.of("chi-square test")
        .check(observed.length == expectedProbs.length, "expectedProbs.length",
            expectedProbs.length, "observed.length = " + observed.length)
        .check(minExpected > 0, "minExpected", minExpected, "a number > 0")
        .throwIfAny();
    long total = 0;
    for (long count : observed) {
      total += count;
    }
    Problems.require(total > 0, "observed", total, "at least one observation");
    List<double[]> cells = new ArrayList<>();
    double pooledExpected = 0;
    long pooledObserved = 0;
    for (int i = 0; i < observed.length; i++) {
      pooledExpected += expectedProbs[i] * total;
      pooledObserved += observed[i];
      if (pooledExpected >= minExpected) {
        cells.add(new double[] {pooledObserved, pooledExpected});
        pooledExpected = 0;
        pooledObserved = 0;
      }
    }
    if (pooledExpected > 0 || pooledObserved > 0) {
      if (cells.isEmpty()) {
        cells.add(new double[] {pooledObserved, pooledExpected});
      } else {
        double[] last = cells.get(cells.size() - 1);
        last[0] += pooledObserved;
        last[1] += pooledExpected;
      }
    }
    double statistic = 0;
    for (double[] cell : cells) {
      statistic += cell[1] > 0 ? square(cell[0] - cell[1]) / cell[1]
          : (cell[0] > 0 ? Double.POSITIVE_INFINITY : 0);
    }
    int df = Math.max(1, cells.size() - 1);
    return new Fit(statistic, df, survival(statistic, df), cells.size());
  }

  private static double square(double v) {
    return v * v;
  }

  /** {@code Q(a, x) = Γ(a, x) / Γ(a)}. */
  static double regularizedUpperGamma(double a, double x) {
    if (x < a + 1) {
      return 1.0 - lowerSeries(a, x);
    }
    return upperContinuedFraction(a, x);
  }

  private static double lowerSeries(double a, double x) {
    double term = 1.0 / a;
    double sum = term;
    for (int n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) {
        break;
      }
    }
    return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }

  private static double upperContinuedFraction(double a, double x) {
    double tiny = 1e-300;
    double b = x + 1 - a;
    double c = 1 / tiny;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < 10_000; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < tiny) {
        d = tiny;
      }
      c = b + an / c;
      if (Math.abs(c) < tiny) {
        c = tiny;
      }
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
  }

  /** Lanczos approximation of {@code log Γ(x)}, {@code x > 0}. */
  static double logGamma(double x) {
    double[] g = {
      0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
      -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
      1.5056327351493116e-7
    };
    if (x < 0.5) {
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    }
    double z = x - 1;
    double sum = g[0];
    for (int i = 1; i < g.length; i++) {
      sum += g[i] / (z + i);
    }
    double t = z + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
  }
}
