package dev.bond4j.math;

import dev.bond4j.Problems;

/** The Kullback-Leibler divergence of two discrete distributions on one enumerated support. */
public final class KullbackLeibler {
  private KullbackLeibler() {}

  /**
   * {@code KL(p || q) = Σ p log(p/q)}, with {@code 0 log 0 = 0}; {@code +∞} when {@code q = 0}
   * somewhere {@code p > 0}.
   */
  public static double divergence(double[] p, double[] q) {
    Problems.require(p.length == q.length, "q.length", q.length, "p.length = " + p.length);
    double kl = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] > 0) {
        if (q[i] <= 0) {
          return Double.POSITIVE_INFINITY;
        }
        kl += p[i] * (Math.log(p[i]) - Math.log(q[i]));
      }
    }
    return Math.max(0.0, kl);
  }
}
