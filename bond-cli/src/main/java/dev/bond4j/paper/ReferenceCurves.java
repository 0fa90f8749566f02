package dev.bond4j.paper;

import dev.bond4j.math.DiscreteBestOfN;
import dev.bond4j.math.TieRule;
import dev.bond4j.testbed.ExactEvaluator;
import dev.bond4j.testbed.ExactMetrics;
import dev.bond4j.testbed.TabulatedDistribution;
import java.util.Arrays;
import java.util.List;

/**
 * The two exact reference curves of a testbed, against {@code KL(· || π_ref)}:
 *
 * <ul>
 *   <li>the <em>Best-of-N curve</em>: reward, log-quantile and win rate of {@code Bo_N(π_ref)} for
 *       N = 1 ... {@value #MAX_N}, which is what BOND distils;
 *   <li>the <em>KL-regularised frontier</em>: the tilts {@code π_ref · exp(r/β) / Z} over
 *       {@code β}, the largest reward any policy reaches at its KL (a Lagrangian argument), which
 *       REINFORCE with a KL penalty {@code β_RL} converges to on a tabular policy.
 * </ul>
 *
 * Between points both curves are interpolated linearly in KL; the frontier is tabulated on
 * {@value #TILTS} values of {@code 1/β} from 0 to 10^3, dense enough that the chords lie within
 * 1e-3 of it.
 */
public final class ReferenceCurves {
  /** Largest N of the Best-of-N curve. */
  public static final int MAX_N = 1024;
  /** Number of tilts of the frontier. */
  static final int TILTS = 600;

  private final ExactMetrics[] bestOfN;
  private final ExactMetrics[] frontier;
  private final double[] inverseTemperature;

  /** The curves of {@code testbed}. */
  public ReferenceCurves(PaperTestbed testbed) {
    ExactEvaluator evaluator = testbed.evaluator(1);
    int contexts = testbed.contexts();
    DiscreteBestOfN[] laws = new DiscreteBestOfN[contexts];
    for (int c = 0; c < contexts; c++) {
      laws[c] = DiscreteBestOfN.of(testbed.reference().distribution(c),
          testbed.reward().rewards(c));
    }
    bestOfN = new ExactMetrics[MAX_N];
    for (int n = 1; n <= MAX_N; n++) {
      double[][] p = new double[contexts][];
      for (int c = 0; c < contexts; c++) {
        p[c] = laws[c].law(n, TieRule.STRICT);
      }
      bestOfN[n - 1] = evaluator.evaluate(new TabulatedDistribution(testbed.space(), p));
    }
    frontier = new ExactMetrics[TILTS];
    inverseTemperature = new double[TILTS];
    for (int i = 0; i < TILTS; i++) {
      inverseTemperature[i] = i == 0 ? 0 : Math.pow(10, -3 + 6.0 * (i - 1) / (TILTS - 2));
      frontier[i] = evaluator.evaluate(tilt(testbed, inverseTemperature[i]));
    }
  }

  /** {@code π_ref · exp(λ r) / Z} per context. */
  private static TabulatedDistribution tilt(PaperTestbed testbed, double lambda) {
    double[][] p = new double[testbed.contexts()][];
    for (int c = 0; c < p.length; c++) {
      double[] ref = testbed.reference().distribution(c);
      double[] r = testbed.reward().rewards(c);
      double max = Arrays.stream(r).max().orElse(0);
      double z = 0;
      p[c] = new double[ref.length];
      for (int i = 0; i < ref.length; i++) {
        p[c][i] = ref[i] * Math.exp(lambda * (r[i] - max));
        z += p[c][i];
      }
      for (int i = 0; i < ref.length; i++) {
        p[c][i] /= z;
      }
    }
    return new TabulatedDistribution(testbed.space(), p);
  }

  /** The metrics of {@code Bo_n(π_ref)}, {@code 1 <= n <= MAX_N}. */
  public ExactMetrics bestOfN(int n) {
    return bestOfN[n - 1];
  }

  /** The Best-of-N curve's reward at {@code kl}; NaN beyond {@code KL(Bo_MAX_N || π_ref)}. */
  public double bestOfNRewardAt(double kl) {
    return interpolate(bestOfN, kl);
  }

  /** The frontier's reward at {@code kl}; NaN beyond the most tilted point tabulated. */
  public double frontierRewardAt(double kl) {
    return interpolate(frontier, kl);
  }

  private static double interpolate(ExactMetrics[] curve, double kl) {
    if (kl <= curve[0].klFromReference()) {
      return curve[0].expectedReward();
    }
    for (int i = 1; i < curve.length; i++) {
      double lo = curve[i - 1].klFromReference();
      double hi = curve[i].klFromReference();
      if (kl <= hi) {
        double t = (kl - lo) / (hi - lo);
        return curve[i - 1].expectedReward()
            + t * (curve[i].expectedReward() - curve[i - 1].expectedReward());
      }
    }
    return Double.NaN;
  }

  /**
   * How far below the Best-of-N curve {@code run} lies: the mean, over its evaluations after step
   * 0 whose KL the curve covers, of the curve's reward minus the run's at the run's KL; NaN when
   * none is covered. Negative means above the curve.
   */
  public double shortfallBelowBestOfN(Curve run) {
    return shortfall(run, bestOfN, Double.POSITIVE_INFINITY);
  }

  /**
   * As {@link #shortfallBelowBestOfN(Curve)}, over the evaluations with KL at most {@code maxKl}
   * only, so that runs reaching different KL compare over the same range.
   */
  public double shortfallBelowBestOfN(Curve run, double maxKl) {
    return shortfall(run, bestOfN, maxKl);
  }

  /** As {@link #shortfallBelowBestOfN}, against the KL-regularised frontier (never negative). */
  public double shortfallBelowFrontier(Curve run) {
    return shortfall(run, frontier, Double.POSITIVE_INFINITY);
  }

  private static double shortfall(Curve run, ExactMetrics[] curve, double maxKl) {
    double sum = 0;
    int count = 0;
    for (int i = 1; i < run.size(); i++) {
      double reference = interpolate(curve, run.klFromReference()[i]);
      if (!Double.isNaN(reference) && run.klFromReference()[i] <= maxKl) {
        sum += reference - run.reward()[i];
        count++;
      }
    }
    return count == 0 ? Double.NaN : sum / count;
  }

  /** The Best-of-N curve as a plot series, reward against KL. */
  public Series bestOfNSeries() {
    return series("Best-of-N (N=1..1024)", bestOfN, false);
  }

  /** The frontier as a plot series, reward against KL, cut at the Best-of-N curve's KL range. */
  public Series frontierSeries() {
    return series("KL-regularised frontier", frontier, true);
  }

  private Series series(String name, ExactMetrics[] curve, boolean cut) {
    int count = cut ? frontierCut() : curve.length;
    double[] x = new double[count];
    double[] y = new double[count];
    for (int i = 0; i < count; i++) {
      x[i] = curve[i].klFromReference();
      y[i] = curve[i].expectedReward();
    }
    return Series.line(name, x, y);
  }

  /** The figure of both curves: reward, log-quantile and win rate against KL. */
  public Figure figure() {
    double[][] b = columns(bestOfN);
    double[][] f = columns(Arrays.copyOf(frontier, frontierCut()));
    return new Figure("reference_curves", List.of(
        new Panel("Reward vs KL", "KL(. || pi_ref)", "E[r]", List.of(
            Series.line("Best-of-N", b[0], b[1]), Series.line("frontier", f[0], f[1]))),
        new Panel("Log-quantile vs KL", "KL(. || pi_ref)", "E[log p<=]", List.of(
            Series.line("Best-of-N", b[0], b[2]), Series.line("frontier", f[0], f[2]))),
        new Panel("Win rate vs KL", "KL(. || pi_ref)", "P[beats pi_ref]", List.of(
            Series.line("Best-of-N", b[0], b[3]), Series.line("frontier", f[0], f[3])))));
  }

  private int frontierCut() {
    double maxKl = bestOfN[MAX_N - 1].klFromReference();
    int count = 0;
    while (count < frontier.length && frontier[count].klFromReference() <= maxKl) {
      count++;
    }
    return count;
  }

  private static double[][] columns(ExactMetrics[] curve) {
    double[][] out = new double[4][curve.length];
    for (int i = 0; i < curve.length; i++) {
      out[0][i] = curve[i].klFromReference();
      out[1][i] = curve[i].expectedReward();
      out[2][i] = curve[i].meanLogQuantile();
      out[3][i] = curve[i].winRate();
    }
    return out;
  }
}
