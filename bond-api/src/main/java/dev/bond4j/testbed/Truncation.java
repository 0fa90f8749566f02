package dev.bond4j.testbed;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Top-k and top-p (nucleus) truncation of a next-token distribution, renormalised. Ties at the
 * cut are kept in token-id order, so truncation is deterministic.
 */
final class Truncation {
  private Truncation() {}

  static double[] apply(double[] probs, int topK, double topP) {
    if (topK == 0 && topP >= 1.0) {
      return probs;
    }
    Integer[] order = IntStream.range(0, probs.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -probs[i]).thenComparingInt(i -> i));
    int keep = topK == 0 ? probs.length : Math.min(topK, probs.length);
    if (topP < 1.0) {
      double cumulative = 0;
      for (int r = 0; r < keep; r++) {
        cumulative += probs[order[r]];
        if (cumulative >= topP) {
          keep = r + 1;
          break;
        }
      }
    }
    double[] out = new double[probs.length];
    double sum = 0;
    for (int r = 0; r < keep; r++) {
      out[order[r]] = probs[order[r]];
      sum += probs[order[r]];
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= sum;
    }
    return out;
  }
}
