package dev.bond4j.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The elements where two vectors differ beyond a tolerance, described for a failure message:
 * which element, actual and expected value, by how much. Element {@code i} differs when {@code
 * |actual - expected| > absolute + relative * |expected|} (or either is NaN).
 */
final class Differences {
  /** How many differing elements a message names. */
  static final int SHOWN = 5;

  private final List<String> lines = new ArrayList<>();
  private int count;
  private int worst = -1;
  private double worstGap = -1;

  private Differences() {}

  /**
   * Compares {@code actual} with {@code expected} element by element; {@code name} describes
   * element {@code i} (for example {@code "element 3"}).
   */
  static Differences between(double[] actual, double[] expected, double absolute,
      double relative, IntFunction<String> name) {
    Differences out = new Differences();
    for (int i = 0; i < expected.length; i++) {
      double gap = Math.abs(actual[i] - expected[i]);
      if (!(gap <= absolute + relative * Math.abs(expected[i]))) {
        out.count++;
        if (out.lines.size() < SHOWN) {
          out.lines.add(String.format("%s: actual %s, expected %s (difference %+.3g)",
              name.apply(i), actual[i], expected[i], actual[i] - expected[i]));
        }
        if (Double.isNaN(gap) || gap > out.worstGap) {
          out.worst = i;
          out.worstGap = Double.isNaN(gap) ? Double.POSITIVE_INFINITY : gap;
        }
      }
    }
    return out;
  }

  /** Whether no element differs. */
  boolean none() {
    return count == 0;
  }

  /** Index of the element that differs most, or -1. */
  int worst() {
    return worst;
  }

  /** {@code "k of n elements differ: ...; ..."}, naming at most {@value #SHOWN} of them. */
  String describe(int total, String elements) {
    String more = count > lines.size() ? "; and " + (count - lines.size()) + " more" : "";
    return count + " of " + total + " " + elements + " differ: " + String.join("; ", lines)
        + more;
  }
}
