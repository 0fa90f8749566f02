package dev.bond4j.testbed;

import dev.bond4j.Problems;
import dev.bond4j.math.BondReward;
import dev.bond4j.math.DiscreteBestOfN;
import dev.bond4j.math.KullbackLeibler;
import dev.bond4j.math.TieRule;

/**
 * Computes {@link ExactMetrics} by enumerating the sequence space: no sampling noise, so tests of
 * the algorithms can compare small differences honestly.
 */
public final class ExactEvaluator {
  private final ExactDistribution reference;
  private final TabularReward reward;
  private final int n;
  private final double[][] bestOfN;
  /**
   * {@code log π_BoN}, from the law where it is positive and from {@code log π_ref + (N−1) log p≤ +
   * log C} where {@code π_BoN} underflows to 0, so {@code KL(π || π_BoN)} stays finite.
   */
  private final double[][] logBestOfN;
  private final double[][] quantiles;
  /** {@code P_ref[r(y') < r(y)] + ½ P_ref[r(y') = r(y)]} per sequence. */
  private final double[][] winAgainstReference;
  private final double[][] referenceProbs;

  /**
   * An evaluator against Best-of-{@code n} of {@code reference} under {@code rule}.
   *
   * @param reference the reference {@code π_ref}; its distribution is read once, now
   */
  public ExactEvaluator(ExactDistribution reference, TabularReward reward, int n, TieRule rule) {
    Problems.require(n >= 1, "n", n, "an integer >= 1");
    this.reference = reference;
    this.reward = reward;
    this.n = n;
    int contexts = reference.contexts();
    this.bestOfN = new double[contexts][];
    this.logBestOfN = new double[contexts][];
    this.quantiles = new double[contexts][];
    this.referenceProbs = new double[contexts][];
    this.winAgainstReference = new double[contexts][];
    for (int c = 0; c < contexts; c++) {
      referenceProbs[c] = reference.distribution(c);
      DiscreteBestOfN law = DiscreteBestOfN.of(referenceProbs[c], reward.rewards(c));
      bestOfN[c] = law.law(n, rule);
      quantiles[c] = law.quantile(rule);
      logBestOfN[c] = logLaw(bestOfN[c], referenceProbs[c], quantiles[c],
          law.correctionFactors(n), n);
      double[] below = law.quantileBelow(TieRule.UNIFORM);
      double[] atMost = law.quantile(TieRule.UNIFORM);
      winAgainstReference[c] = new double[below.length];
      for (int i = 0; i < below.length; i++) {
        winAgainstReference[c][i] = 0.5 * (below[i] + atMost[i]);
      }
    }
  }

  private static double[] logLaw(double[] law, double[] base, double[] quantile,
      double[] correction, int n) {
    double[] out = new double[law.length];
    for (int i = 0; i < law.length; i++) {
      out[i] = law[i] > 0 ? Math.log(law[i])
          : BondReward.logBestOfN(Math.log(base[i]), quantile[i], correction[i], n);
    }
    return out;
  }

  /** {@code KL(p || q)} with {@code q} given by its logarithm. */
  private static double divergenceToLog(double[] p, double[] logQ) {
    double kl = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] > 0) {
        kl += p[i] * (Math.log(p[i]) - logQ[i]);
      }
    }
    return Math.max(0, kl);
  }

  /** The N of the Best-of-N this evaluator compares against. */
  public int n() {
    return n;
  }

  /** The exact metrics of {@code policy}, averaged over contexts. */
  public ExactMetrics evaluate(ExactDistribution policy) {
    Problems.require(policy.space() == reference.space() && policy.contexts()
        == reference.contexts(), "policy", "another space or context count",
        "the reference's space and contexts");
    int contexts = reference.contexts();
    double reward = 0;
    double klRef = 0;
    double klTo = 0;
    double klFrom = 0;
    double logQuantile = 0;
    double win = 0;
    double bonReward = 0;
    for (int c = 0; c < contexts; c++) {
      double[] p = policy.distribution(c);
      double[] r = this.reward.rewards(c);
      double[] q = referenceProbs[c];
      for (int i = 0; i < p.length; i++) {
        reward += p[i] * r[i];
        bonReward += bestOfN[c][i] * r[i];
        win += p[i] * winAgainstReference[c][i];
        if (p[i] > 0) {
          logQuantile += p[i] * Math.log(quantiles[c][i]);
        }
      }
      klRef += KullbackLeibler.divergence(p, q);
      klTo += divergenceToLog(p, logBestOfN[c]);
      klFrom += KullbackLeibler.divergence(bestOfN[c], p);
    }
    double meanLogQuantile = logQuantile / contexts;
    return new ExactMetrics(reward / contexts, klRef / contexts, klTo / contexts,
        klFrom / contexts, meanLogQuantile,
        meanLogQuantile < 0 ? -1.0 / meanLogQuantile : Double.POSITIVE_INFINITY,
        win / contexts, bonReward / contexts);
  }
}
