package dev.bond4j.paper;

import static dev.bond4j.paper.Requirement.INTERVAL_ABOVE_ZERO;

import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.BondConfig;
import dev.bond4j.algorithm.BondTrainer;
import dev.bond4j.algorithm.LogQuantileEstimate;
import dev.bond4j.anchor.Anchor;
import dev.bond4j.divergence.Divergence;
import dev.bond4j.math.DiscreteBestOfN;
import dev.bond4j.math.TieRule;
import dev.bond4j.quantile.LearnedQuantileEstimator;
import dev.bond4j.quantile.MonteCarloQuantileEstimator;
import dev.bond4j.quantile.QuantileEstimator;
import dev.bond4j.testbed.ExactQuantileEstimator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The learned quantile estimator (SPEC S4, App. B.2) on one seed's testbed: its error against
 * the exact quantile next to Monte-Carlo's at the same anchor-sample budget, and its effect in
 * training (BOND N = 8 as in the paper's Fig. 8, and J-BOND).
 */
final class QuantileStudy {
  /** Anchor rewards the learned estimator remembers per prompt. */
  static final int MEMORY = 256;
  /** Visits of every prompt in the error study; the first third only warms the model up. */
  static final int VISITS = 300;

  private QuantileStudy() {}

  static Measurement measure(SeedExperiments e) {
    Measurement m = Measurement.of("S4 learned quantile");
    for (int budget : new int[] {2, 8}) {
      double[] errors = errors(e, budget);
      m.report("k=" + budget + "/Monte-Carlo mean |log p_hat - log p|", errors[0]);
      m.report("k=" + budget + "/learned mean |log p_hat - log p|", errors[1]);
      m.test("k=" + budget + "/Monte-Carlo error - learned error", errors[0] - errors[1],
          INTERVAL_ABOVE_ZERO);
    }
    PaperTestbed t = e.testbed();
    int n = SeedExperiments.C2_N;
    List<Curve> bond = List.of(
        bondWith(e, "BOND N=8 exact quantile", new ExactQuantileEstimator(t.reference(),
            t.reward(), TieRule.STRICT)),
        bondWith(e, "BOND N=8 Monte-Carlo k=8", MonteCarloQuantileEstimator.smoothed(n)),
        bondWith(e, "BOND N=8 learned k=8", new LearnedQuantileEstimator(n, MEMORY)));
    for (Curve c : bond) {
      m.report(c.label() + "/kl_backward", Curve.tailMean(c.klToBestOfN()));
      m.report(c.label() + "/kl_forward", Curve.tailMean(c.klFromBestOfN()));
      m.report(c.label() + "/log_quantile", Curve.tailMean(c.logQuantile()));
    }
    m.report("BOND N=8 backward KL: Monte-Carlo - learned",
        Curve.tailMean(bond.get(1).klToBestOfN()) - Curve.tailMean(bond.get(2).klToBestOfN()));
    Curve jbond = e.jBond(0.02, 0);
    Curve learned = e.run("J-BOND learned quantile k=2", 2, p -> new BondTrainer(
        BondConfig.builder().policy(p).reference(t.reference()).reward(t.reward())
            .prompts(t.prompts()).anchor(Anchor.ema(p, 0.02))
            .estimate(new LogQuantileEstimate(new LearnedQuantileEstimator(2, MEMORY)))
            .n(2).divergence(Divergence.jeffreys()).settings(e.training()).build()));
    for (Curve c : List.of(jbond, learned)) {
      m.report(c.label() + "/final_reward", Curve.last(c.reward()));
      m.report(c.label() + "/final_kl_ref", Curve.last(c.klFromReference()));
      m.report(c.label() + "/shortfall_below_best_of_n",
          e.curves().shortfallBelowBestOfN(c));
      m.report(c.label() + "/shortfall_below_frontier", e.curves().shortfallBelowFrontier(c));
    }
    m.plots().add(new Figure("fig8", List.of(
        Plots.panel("Backward KL", "step", "KL(pi || pi_BoN)", bond, Curve::klToBestOfN),
        Plots.panel("Forward KL", "step", "KL(pi_BoN || pi)", bond, Curve::klFromBestOfN),
        Plots.againstKl("J-BOND: r_J vs learned quantile", List.of(jbond, learned),
            e.curves()))));
    return m;
  }

  private static Curve bondWith(SeedExperiments e, String label, QuantileEstimator estimator) {
    PaperTestbed t = e.testbed();
    return e.run(label, SeedExperiments.C2_N, p -> Algorithms.bond(p, t.reference(), t.reward(),
        t.prompts(), SeedExperiments.C2_N, Divergence.jeffreys(), estimator, e.training()));
  }

  /**
   * Mean {@code |log p̂ − log p|} of Monte-Carlo and of the learned estimator, both fed the same
   * {@code budget} fresh reference samples per visit of a prompt, for a target drawn from
   * {@code π_ref}, over the last two thirds of the visits.
   */
  private static double[] errors(SeedExperiments e, int budget) {
    PaperTestbed t = e.testbed();
    SplittableRandom random = new SplittableRandom(e.seed() * 31 + budget);
    MonteCarloQuantileEstimator mc = MonteCarloQuantileEstimator.smoothed(budget);
    LearnedQuantileEstimator learned = new LearnedQuantileEstimator(budget, MEMORY);
    double[] sums = new double[2];
    int count = 0;
    for (int c = 0; c < t.contexts(); c++) {
      double[] probs = t.reference().distribution(c);
      double[] rewards = t.reward().rewards(c);
      double[] exact = DiscreteBestOfN.of(probs, rewards).quantile(TieRule.STRICT);
      for (int visit = 0; visit < VISITS; visit++) {
        double[] anchor = new double[budget];
        for (int k = 0; k < budget; k++) {
          anchor[k] = rewards[draw(probs, random)];
        }
        int target = draw(probs, random);
        double[] reward = {rewards[target]};
        double mcEstimate = mc.estimate(reward, anchor)[0];
        double learnedEstimate = learned.estimate(t.prompts().get(c), reward, anchor)[0];
        if (visit >= VISITS / 3) {
          double log = Math.log(exact[target]);
          sums[0] += Math.abs(Math.log(mcEstimate) - log);
          sums[1] += Math.abs(Math.log(learnedEstimate) - log);
          count++;
        }
      }
    }
    return new double[] {sums[0] / count, sums[1] / count};
  }

  private static int draw(double[] probs, SplittableRandom random) {
    double u = random.nextDouble();
    double cumulative = 0;
    for (int i = 0; i < probs.length; i++) {
      cumulative += probs[i];
      if (u < cumulative) {
        return i;
      }
    }
    return probs.length - 1;
  }
}
