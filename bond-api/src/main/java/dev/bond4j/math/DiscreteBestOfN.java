package dev.bond4j.math;

import dev.bond4j.Problems;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The exact Best-of-N law of a discrete base distribution (SPEC S2, Theorem 1, App. A.1).
 *
 * <p>The base {@code π_ref} is given as probabilities over an enumerated support together with
 * each element's reward. Under {@link TieRule#STRICT} the support's index order is the tie-break
 * order: of two completions with equal reward, the one with the larger index ranks higher.
 *
 * <p>Instances are immutable and validate their input once: probabilities must be finite, {@code
 * >= 0} and sum to 1 within {@link #SUM_TOLERANCE}; rewards must not be NaN.
 */
public final class DiscreteBestOfN {
  /** Largest accepted deviation of the probabilities' sum from 1. */
  public static final double SUM_TOLERANCE = 1e-9;

  private final double[] probs;
  private final double[] rewards;
  /** Support indices sorted by the strict order: reward, then index. */
  private final int[] order;

  private DiscreteBestOfN(double[] probs, double[] rewards) {
    this.probs = probs;
    this.rewards = rewards;
    this.order = IntStream.range(0, probs.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> rewards[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue).toArray();
  }

  /**
   * The Best-of-N law of the base distribution {@code probs} with {@code rewards}.
   *
   * @throws dev.bond4j.InvalidArgumentException naming the argument when the input is not a
   *     probability distribution with rewards
   */
  public static DiscreteBestOfN of(double[] probs, double[] rewards) {
    Problems problems = Problems.of("Best-of-N base distribution")
        .check(probs.length > 0, "probs.length", probs.length, "a non-empty support")
        .check(rewards.length == probs.length, "rewards.length", rewards.length,
            "the support size " + probs.length);
    double sum = 0;
    for (int i = 0; i < probs.length; i++) {
      problems.check(probs[i] >= 0 && Double.isFinite(probs[i]), "probs[" + i + "]", probs[i],
          "a finite probability >= 0");
      sum += probs[i];
    }
    problems.check(Math.abs(sum - 1) <= SUM_TOLERANCE || Double.isNaN(sum) || probs.length == 0,
        "sum(probs)", sum, "1 within " + SUM_TOLERANCE);
    for (int i = 0; i < rewards.length; i++) {
      problems.check(!Double.isNaN(rewards[i]), "rewards[" + i + "]", rewards[i], "a number, not NaN");
    }
    problems.throwIfAny();
    return new DiscreteBestOfN(probs.clone(), rewards.clone());
  }

  /** Size of the support. */
  public int size() {
    return probs.length;
  }

  /** The base probabilities {@code π_ref}. */
  public double[] baseProbs() {
    return probs.clone();
  }

  /** The rewards. */
  public double[] rewards() {
    return rewards.clone();
  }

  /**
   * {@code p<(y)}: under STRICT, the base probability of completions strictly below {@code y} in
   * the strict order; under UNIFORM, {@code P[r(y') < r(y)]}.
   */
  public double[] quantileBelow(TieRule rule) {
    double[] below = new double[probs.length];
    double cumulative = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      if (rule == TieRule.UNIFORM) {
        while (j + 1 < order.length && rewards[order[j + 1]] == rewards[order[i]]) {
          j++;
        }
      }
      double classMass = 0;
      for (int k = i; k <= j; k++) {
        below[order[k]] = Math.min(1.0, cumulative);
        classMass += probs[order[k]];
      }
      cumulative += classMass;
      i = j + 1;
    }
    return below;
  }

  /**
   * {@code p≤(y)}: under STRICT, {@code p<(y) + π_ref(y)}; under UNIFORM, {@code P[r(y') <= r(y)]}.
   */
  public double[] quantile(TieRule rule) {
    double[] below = quantileBelow(rule);
    double[] atMost = new double[probs.length];
    if (rule == TieRule.STRICT) {
      for (int y = 0; y < probs.length; y++) {
        atMost[y] = Math.min(1.0, below[y] + probs[y]);
      }
      return atMost;
    }
    double[] classMass = tieClassMass();
    for (int y = 0; y < probs.length; y++) {
      atMost[y] = Math.min(1.0, below[y] + classMass[y]);
    }
    return atMost;
  }

  /**
   * The exact Best-of-N probabilities in the numerically stable telescoping form (SPEC S2):
   * {@code p≤^N − p<^N} under STRICT and {@code (π_ref(y)/m) · (P≤^N − P<^N)} under UNIFORM.
   */
  public double[] law(int n, TieRule rule) {
    requireN(n);
    double[] below = quantileBelow(rule);
    double[] bon = new double[probs.length];
    if (rule == TieRule.STRICT) {
      for (int y = 0; y < probs.length; y++) {
        bon[y] = powerDifference(Math.min(1.0, below[y] + probs[y]), probs[y], n);
      }
      return bon;
    }
    double[] classMass = tieClassMass();
    for (int y = 0; y < probs.length; y++) {
      if (probs[y] > 0) {
        double m = classMass[y];
        bon[y] = probs[y] / m * powerDifference(Math.min(1.0, below[y] + m), m, n);
      }
    }
    return bon;
  }

  /**
   * The exact Best-of-N probabilities in the paper's form (Eq. 4-5), STRICT order:
   * {@code π_ref(y) · p≤(y)^(N−1) · C(y)}.
   */
  public double[] lawPaperForm(int n) {
    requireN(n);
    double[] atMost = quantile(TieRule.STRICT);
    double[] correction = correctionFactors(n);
    double[] bon = new double[probs.length];
    for (int y = 0; y < probs.length; y++) {
      bon[y] = probs[y] * Math.pow(atMost[y], n - 1) * correction[y];
    }
    return bon;
  }

  /**
   * The correction factors of Eq. 5, STRICT order: {@code C(y) = Σ_{i=1..N} p<^(i−1) p≤^(N−i) /
   * p≤^(N−1)}, summed term by term as {@code Σ q^(i−1)} with {@code q = p</p≤}; {@code 1 <= C <= N}.
   * Where {@code p≤(y) = 0} the ratio is taken as 0, so {@code C = 1}.
   */
  public double[] correctionFactors(int n) {
    requireN(n);
    double[] below = quantileBelow(TieRule.STRICT);
    double[] atMost = quantile(TieRule.STRICT);
    double[] correction = new double[probs.length];
    for (int y = 0; y < probs.length; y++) {
      double q = atMost[y] > 0 ? below[y] / atMost[y] : 0.0;
      double term = 1;
      double sum = 0;
      for (int i = 1; i <= n; i++) {
        sum += term;
        term *= q;
      }
      correction[y] = sum;
    }
    return correction;
  }

  /**
   * The Best-of-N law as a new base with the same rewards and support order: iterating it is exact
   * under STRICT, {@code BoN(BoM(π)) = Bo(N·M)(π)} (SPEC S2, Eq. 16).
   */
  public DiscreteBestOfN bestOf(int n, TieRule rule) {
    double[] bon = law(n, rule);
    double sum = Arrays.stream(bon).sum();
    for (int y = 0; y < bon.length; y++) {
      bon[y] /= sum;
    }
    return new DiscreteBestOfN(bon, rewards.clone());
  }

  /** {@code KL(π_BoN || π_ref)} by exact enumeration. */
  public double klFromBase(int n, TieRule rule) {
    return KullbackLeibler.divergence(law(n, rule), probs);
  }

  /** {@code π_ref(K)} of each element's tie class {@code K} (all elements of equal reward). */
  private double[] tieClassMass() {
    double[] mass = new double[probs.length];
    int i = 0;
    while (i < order.length) {
      int j = i;
      double m = probs[order[i]];
      while (j + 1 < order.length && rewards[order[j + 1]] == rewards[order[i]]) {
        j++;
        m += probs[order[j]];
      }
      for (int k = i; k <= j; k++) {
        mass[order[k]] = m;
      }
      i = j + 1;
    }
    return mass;
  }

  /**
   * {@code a^n − (a − d)^n} for {@code 0 <= d <= a <= 1}, computed as {@code a^n · (1 − (1 −
   * d/a)^n)} through {@code expm1} and {@code log1p}, which keeps full relative precision when
   * {@code d} is tiny against {@code a}.
   */
  static double powerDifference(double a, double d, int n) {
    if (a <= 0 || d <= 0) {
      return 0.0;
    }
    double ratio = Math.min(1.0, d / a);
    return Math.pow(a, n) * -Math.expm1(n * Math.log1p(-ratio));
  }

  static void requireN(int n) {
    Problems.require(n >= 1, "n", n, "an integer >= 1");
  }
}
