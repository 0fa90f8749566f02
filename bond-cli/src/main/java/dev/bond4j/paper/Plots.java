package dev.bond4j.paper;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Panels of the claims' figures built from runs. */
final class Plots {
  private Plots() {}

  /** {@code y} of every run against its step. */
  static Panel panel(String title, String xLabel, String yLabel, List<Curve> curves,
      Function<Curve, double[]> y) {
    List<Series> series = new ArrayList<>();
    for (Curve c : curves) {
      series.add(Series.line(c.label(), c.steps(), y.apply(c)));
    }
    return new Panel(title, xLabel, yLabel, series);
  }

  /** Reward against KL from the reference for every run, with both reference curves. */
  static Panel againstKl(String title, List<Curve> curves, ReferenceCurves reference) {
    List<Series> series = new ArrayList<>();
    for (Curve c : curves) {
      series.add(Series.line(c.label(), c.klFromReference(), c.reward()));
    }
    series.add(reference.bestOfNSeries());
    series.add(reference.frontierSeries());
    return new Panel(title, "KL(pi || pi_ref)", "E[r]", series);
  }
}
