package dev.bond4j.paper;

import static dev.bond4j.paper.Requirement.EVERY_SEED_ABOVE_ZERO;
import static dev.bond4j.paper.Requirement.INTERVAL_ABOVE_ZERO;

import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.BestOfNSampler;
import dev.bond4j.algorithm.BondConfig;
import dev.bond4j.algorithm.BondTrainer;
import dev.bond4j.algorithm.LogQuantileEstimate;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.algorithm.TwoSampleEstimate;
import dev.bond4j.anchor.Anchor;
import dev.bond4j.divergence.Divergence;
import dev.bond4j.math.DiscreteBestOfN;
import dev.bond4j.math.JBondReward;
import dev.bond4j.math.TieRule;
import dev.bond4j.stats.ChiSquare;
import dev.bond4j.testbed.ExactEvaluator;
import dev.bond4j.testbed.ExactMetrics;
import dev.bond4j.testbed.ExactQuantileEstimator;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.testbed.TabularSnapshot;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.Rollout;
import dev.bond4j.value.SamplingSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The experiments behind the claims C1-C7 (SPEC S11) on the testbed of one seed. Each claim's
 * method measures its statistics on this seed; {@link PaperClaims} combines the seeds. Runs are
 * memoised by label, so claims sharing a run (J-BOND in C5, C6, C7) train it once.
 */
final class SeedExperiments {
  /** Significance level of the chi-square tests of C1, for the whole family of tests. */
  static final double C1_SIGNIFICANCE = 0.001;
  /** Best-of-N draws per chi-square test of C1. */
  static final int C1_DRAWS = 20_000;
  /** C2 compares divergences against Best-of-8. */
  static final int C2_N = 8;
  /** Longest stage of iterative BOND (C3), the paper's anchor period. */
  static final int C3_STAGE_STEPS = 1000;
  /** Steps between exact evaluations of the C3 runs. */
  static final int C3_EVAL_EVERY = 50;
  /** Fewest steps of a C3 stage or fixed-N run before it may stop. */
  static final int C3_MIN_STEPS = 1000;
  /**
   * A fixed-N run has levelled off when the least-squares slope of its log-quantile over the last
   * quarter of its evaluations is below this, per 1000 steps.
   */
  static final double LEVEL_SLOPE_PER_1000 = 1e-3;
  /** Iterative BOND's stages distil up to Best-of-256 of the reference. */
  static final int C3_MAX_COMPOUND_N = 256;
  /** "About the same reward" (C3): the interval of the difference lies within this. */
  static final double SAME_REWARD = 0.05;
  /** C5: J-BOND's KL grows about linearly: R² of a straight line against step at least this. */
  static final double LINEAR_KL_R2 = 0.95;

  private final PaperSettings settings;
  private final long seed;
  private final PaperTestbed testbed;
  private final ReferenceCurves curves;
  private final Map<String, Curve> runs = new HashMap<>();

  SeedExperiments(PaperSettings settings, long seed) {
    this.settings = settings;
    this.seed = seed;
    this.testbed = PaperTestbed.standard(seed, settings.learningRate());
    this.curves = new ReferenceCurves(testbed);
  }

  PaperTestbed testbed() {
    return testbed;
  }

  long seed() {
    return seed;
  }

  ReferenceCurves curves() {
    return curves;
  }

  /** All seven claims on this seed, in order. */
  List<Measurement> measureAll() {
    return List.of(c1(), c2(), c3(), c4(), c5(), c6(), c7());
  }

  TrainingSettings training() {
    return TrainingSettings.builder().batchSize(settings.batchSize())
        .maxNewTokens(testbed.space().maxLength()).seed(seed).build();
  }

  /** Trains with {@code factory} from the reference, evaluating exactly every few steps. */
  Curve run(String label, int bestOfN, Function<TabularPolicy, Trainer> factory) {
    return run(label, bestOfN, testbed.optimizer(), factory);
  }

  /** As {@link #run(String, int, Function)}, the policy optimised with {@code optimizer}. */
  Curve run(String label, int bestOfN, OptimizerSettings optimizer,
      Function<TabularPolicy, Trainer> factory) {
    return runs.computeIfAbsent(label + "@" + bestOfN, key -> {
      TabularPolicy policy = TabularPolicy.copyOf(testbed.reference(), optimizer);
      Trainer trainer = factory.apply(policy);
      ExactEvaluator evaluator = testbed.evaluator(bestOfN);
      CurveBuilder curve = new CurveBuilder(label);
      curve.add(0, evaluator.evaluate(policy));
      while (trainer.steps() < settings.steps()) {
        trainer.train(settings.evalEvery());
        curve.add(trainer.steps(), evaluator.evaluate(policy));
      }
      return curve.build();
    });
  }

  /** Records the distances of {@code run} to both reference curves. */
  private void distances(Measurement m, Curve run) {
    m.report(run.label() + "/shortfall_below_best_of_n", curves.shortfallBelowBestOfN(run));
    m.report(run.label() + "/shortfall_below_frontier", curves.shortfallBelowFrontier(run));
  }

  /** J-BOND with β = 0.5 and the given η and γ (memoised). */
  Curve jBond(double eta, double gamma) {
    return run("J-BOND eta=" + eta + " gamma=" + gamma, 2, p -> Algorithms.jBond(p,
        testbed.reference(), testbed.reward(), testbed.prompts(), 0.5, eta, gamma, training()));
  }

  /** C1 (Theorem 1): simulated Best-of-N frequencies match the exact law. */
  Measurement c1() {
    SequenceSpace space = SequenceSpace.of(4, 0, 3);
    TabularSnapshot base = TabularPolicy.random(space, 1, 1.0, seed,
        OptimizerSettings.defaults()).snapshot();
    TabularReward reward = TabularReward.randomLevels(space, 1, 3, seed);
    List<Prompt> prompts = Collections.nCopies(C1_DRAWS, TabularPolicy.prompt(0));
    Measurement m = Measurement.of("C1");
    double alpha = C1_SIGNIFICANCE / (TieRule.values().length * 3 * settings.seeds());
    double worst = 1;
    for (TieRule rule : TieRule.values()) {
      for (int n : new int[] {2, 4, 16}) {
        BestOfNSampler sampler = new BestOfNSampler(base, reward, n, rule,
            SamplingSettings.training(space.maxLength()));
        long[] counts = new long[space.size()];
        for (Rollout best : sampler.sample(prompts, seed + n)) {
          counts[space.indexOf(best.completion().completion())]++;
        }
        double[] law = DiscreteBestOfN.of(base.distribution(0), reward.rewards(0)).law(n, rule);
        double p = ChiSquare.goodnessOfFit(counts, law, 5).pValue();
        m.report("p_value/" + rule.name().toLowerCase(Locale.ROOT) + "/n" + n, p);
        worst = Math.min(worst, p);
      }
    }
    return m.test("smallest p-value minus Bonferroni level", worst - alpha,
        EVERY_SEED_ABOVE_ZERO);
  }

  /** C2 (Fig. 7): Jeffreys β = 0.5 keeps both KLs low and raises the log-quantile. */
  Measurement c2() {
    Map<Double, Curve> c = new LinkedHashMap<>();
    for (double beta : new double[] {0.0, 0.5, 1.0}) {
      c.put(beta, untilLevelled(C2_N, beta));
    }
    Curve b0 = c.get(0.0);
    Curve bHalf = c.get(0.5);
    Curve b1 = c.get(1.0);
    double q0 = Curve.tailMean(b0.logQuantile());
    double qHalf = Curve.tailMean(bHalf.logQuantile());
    double q1 = Curve.tailMean(b1.logQuantile());
    Measurement m = Measurement.of("C2")
        .test("backward KL(beta=0) - backward KL(beta=0.5)",
            Curve.tailMean(b0.klToBestOfN()) - Curve.tailMean(bHalf.klToBestOfN()),
            INTERVAL_ABOVE_ZERO)
        .test("forward KL(beta=1) - forward KL(beta=0.5)",
            Curve.tailMean(b1.klFromBestOfN()) - Curve.tailMean(bHalf.klFromBestOfN()),
            INTERVAL_ABOVE_ZERO)
        .test("log-quantile(beta=0.5) - log-quantile(beta=0)", qHalf - q0, INTERVAL_ABOVE_ZERO)
        .test("log-quantile(beta=0.5) - log-quantile(beta=1) + 10% of |lq(1) - lq(0)|",
            qHalf - q1 + 0.1 * Math.abs(q1 - q0), INTERVAL_ABOVE_ZERO);
    for (Curve curve : c.values()) {
      m.report(curve.label() + "/steps", Curve.last(curve.steps()));
      m.report(curve.label() + "/kl_backward", Curve.tailMean(curve.klToBestOfN()));
      m.report(curve.label() + "/kl_forward", Curve.tailMean(curve.klFromBestOfN()));
      m.report(curve.label() + "/log_quantile", Curve.tailMean(curve.logQuantile()));
      m.report(curve.label() + "/log_quantile_slope_per_1000_last_quarter",
          1000 * Curve.tailSlope(curve.steps(), curve.logQuantile()));
      distances(m, curve);
    }
    List<Curve> list = List.copyOf(c.values());
    m.plots().add(new Figure("fig7", List.of(
        Plots.panel("Backward KL", "step", "KL(pi || pi_BoN)", list, Curve::klToBestOfN),
        Plots.panel("Forward KL", "step", "KL(pi_BoN || pi)", list, Curve::klFromBestOfN),
        Plots.panel("Log-quantile", "step", "E[log p<=(y)]", list, Curve::logQuantile))));
    return m;
  }

  /** C3 (Fig. 3): iterative BOND keeps improving while fixed-N BOND saturates. */
  Measurement c3() {
    Measurement m = Measurement.of("C3");
    List<Curve> fixed = new ArrayList<>();
    for (int n : new int[] {4, 8, 16}) {
      Curve f = untilLevelled(n, 0.5);
      fixed.add(f);
      double slope = 1000 * Curve.tailSlope(f.steps(), f.logQuantile());
      m.test(f.label() + " levelled: threshold - |slope| per 1000 steps",
          LEVEL_SLOPE_PER_1000 - Math.abs(slope), EVERY_SEED_ABOVE_ZERO);
      m.report(f.label() + "/steps", Curve.last(f.steps()));
      m.report(f.label() + "/log_quantile", Curve.last(f.logQuantile()));
      m.report(f.label() + "/best_of_n_log_quantile", curves.bestOfN(n).meanLogQuantile());
      m.report(f.label() + "/kl_to_best_of_n", Curve.last(f.klToBestOfN()));
      distances(m, f);
    }
    List<Curve> iterative = new ArrayList<>();
    for (int n : new int[] {2, 4}) {
      Curve it = iterative(n, m);
      iterative.add(it);
      distances(m, it);
      for (int i = 0; i < fixed.size(); i++) {
        m.test(it.label() + " log-quantile - " + fixed.get(i).label(),
            Curve.last(it.logQuantile()) - Curve.last(fixed.get(i).logQuantile()),
            INTERVAL_ABOVE_ZERO);
      }
    }
    for (int i = 0; i < fixed.size(); i++) {
      Curve f = fixed.get(i);
      double difference = iterative.get(0).rewardAtKl(Curve.last(f.klFromReference()))
          - Curve.last(f.reward());
      String name = "iterative n=2 reward at the KL of " + f.label();
      m.test(name + " - its reward + " + SAME_REWARD, difference + SAME_REWARD,
          INTERVAL_ABOVE_ZERO);
      m.test(SAME_REWARD + " - (" + name + " - its reward)", SAME_REWARD - difference,
          INTERVAL_ABOVE_ZERO);
    }
    List<Curve> all = new ArrayList<>(fixed);
    all.addAll(iterative);
    m.plots().add(new Figure("fig3", List.of(
        Plots.panel("Reward", "step", "E[r]", all, Curve::reward),
        Plots.panel("Log-quantile", "step", "E[log p<=(y)]", all, Curve::logQuantile),
        Plots.againstKl("Reward vs KL", all, curves))));
    return m;
  }

  /**
   * Fixed-N BOND with exact quantiles and {@code J_β} until its log-quantile levels off (or the
   * step cap), memoised.
   */
  private Curve untilLevelled(int n, double beta) {
    String label = "BOND N=" + n + " beta=" + beta;
    return runs.computeIfAbsent(label, key -> {
      TabularPolicy policy = testbed.freshPolicy();
      Trainer trainer = Algorithms.bond(policy, testbed.reference(), testbed.reward(),
          testbed.prompts(), n, Divergence.jeffreys(beta), new ExactQuantileEstimator(
              testbed.reference(), testbed.reward(), TieRule.STRICT), training());
      ExactEvaluator evaluator = testbed.evaluator(n);
      CurveBuilder curve = new CurveBuilder(label);
      curve.add(0, evaluator.evaluate(policy));
      while (trainer.steps() < settings.maxSteps()) {
        trainer.train(C3_EVAL_EVERY);
        curve.add(trainer.steps(), evaluator.evaluate(policy));
        if (trainer.steps() >= C3_MIN_STEPS && Math.abs(1000 * curve.tailSlope())
            < LEVEL_SLOPE_PER_1000) {
          break;
        }
      }
      return curve.build();
    });
  }

  /**
   * Iterative BOND with exact quantiles against the anchor: stage {@code m} distils Best-of-n of
   * the anchor, which approximates {@code Bo_{n^m}(π_ref)}; a stage ends when its KL to
   * {@code Bo_{n^m}(π_ref)} stops falling (no new minimum over the last four evaluations) or
   * after {@value #C3_STAGE_STEPS} steps, and then the anchor is set to the policy.
   */
  private Curve iterative(int n, Measurement m) {
    TabularPolicy policy = testbed.freshPolicy();
    TabularSnapshot anchor = policy.snapshot();
    BondTrainer trainer = new BondTrainer(BondConfig.builder().policy(policy)
        .reference(testbed.reference()).reward(testbed.reward()).prompts(testbed.prompts())
        .anchor(Anchor.fixed(anchor)).estimate(new LogQuantileEstimate(
            new ExactQuantileEstimator(anchor, testbed.reward(), TieRule.STRICT)))
        .n(n).settings(training()).build());
    String label = "iterative BOND n=" + n;
    CurveBuilder curve = new CurveBuilder(label);
    ExactEvaluator first = testbed.evaluator(n);
    curve.add(0, first.evaluate(policy));
    int stage = 0;
    double previousQuantile = Double.NaN;
    double previousReward = Double.NaN;
    for (int target = n; target <= C3_MAX_COMPOUND_N; target *= n) {
      stage++;
      ExactEvaluator evaluator = testbed.evaluator(target);
      long start = trainer.steps();
      double best = Double.POSITIVE_INFINITY;
      long bestAt = start;
      ExactMetrics now = evaluator.evaluate(policy);
      while (trainer.steps() - start < Math.min(C3_STAGE_STEPS, settings.maxSteps())) {
        trainer.train(C3_EVAL_EVERY);
        now = evaluator.evaluate(policy);
        curve.add(trainer.steps(), now);
        if (now.klToBestOfN() < best) {
          best = now.klToBestOfN();
          bestAt = trainer.steps();
        } else if (trainer.steps() - bestAt >= 4 * C3_EVAL_EVERY) {
          break;
        }
      }
      m.report(label + "/stage " + stage + " KL(pi || Bo_" + target + "(pi_ref))",
          now.klToBestOfN());
      m.report(label + "/stage " + stage + " steps", trainer.steps() - start);
      if (target * n > C3_MAX_COMPOUND_N) {
        m.test(label + " last-stage log-quantile gain",
            now.meanLogQuantile() - previousQuantile, INTERVAL_ABOVE_ZERO);
        m.test(label + " last-stage reward gain", now.expectedReward() - previousReward,
            INTERVAL_ABOVE_ZERO);
      }
      previousQuantile = now.meanLogQuantile();
      previousReward = now.expectedReward();
      anchor.moveToward(policy, 1.0);
    }
    return curve.build();
  }

  /** C4 (Fig. 5): E[r_J] = −log(16)(1 − p≤)², equal to log p≤ at p≤ = 1/2. */
  Measurement c4() {
    int grid = 19;
    int draws = 20_000;
    double[] p = new double[grid];
    double[] exact = new double[grid];
    double[] logP = new double[grid];
    double[] simulated = new double[grid];
    SplittableRandom random = new SplittableRandom(seed);
    double worstZ = 0;
    for (int g = 0; g < grid; g++) {
      p[g] = (g + 1) / (grid + 1.0);
      exact[g] = JBondReward.expectation(p[g]);
      logP[g] = Math.log(p[g]);
      double sum = 0;
      for (int d = 0; d < draws; d++) {
        // Quantiles of two anchor draws of a continuous reward are i.i.d. uniform.
        sum += JBondReward.of(p[g], random.nextDouble(), random.nextDouble());
      }
      simulated[g] = sum / draws;
      double q = (1 - p[g]) * (1 - p[g]);
      double se = Math.abs(JBondReward.PENALTY) * Math.sqrt(q * (1 - q) / draws);
      worstZ = Math.max(worstZ, Math.abs(simulated[g] - exact[g]) / se);
    }
    double enumerationError = 0;
    SequenceSpace small = SequenceSpace.of(4, 0, 3);
    double[] base = TabularPolicy.random(small, 1, 1.0, seed,
        OptimizerSettings.defaults()).distribution(0);
    double[] rewards = TabularReward.randomLevels(small, 1, 5, seed).rewards(0);
    double[] quantile = DiscreteBestOfN.of(base, rewards).quantile(TieRule.UNIFORM);
    for (int y = 0; y < base.length; y++) {
      double expectation = 0;
      for (int a = 0; a < base.length; a++) {
        for (int b = 0; b < base.length; b++) {
          expectation += base[a] * base[b] * JBondReward.of(rewards[y], rewards[a], rewards[b]);
        }
      }
      enumerationError = Math.max(enumerationError,
          Math.abs(expectation - JBondReward.expectation(quantile[y])));
    }
    double medianGap = Math.abs(JBondReward.expectation(0.5) - Math.log(0.5));
    Measurement m = Measurement.of("C4")
        .test("4.5 - largest |z| of simulated mean vs formula", 4.5 - worstZ,
            EVERY_SEED_ABOVE_ZERO)
        .test("1e-9 - largest enumeration error", 1e-9 - enumerationError, EVERY_SEED_ABOVE_ZERO)
        .test("1e-12 - gap at the median", 1e-12 - medianGap, EVERY_SEED_ABOVE_ZERO);
    m.plots().add(new Figure("fig5", List.of(new Panel("J-BOND reward calibration",
        "p<=(y)", "reward", List.of(Series.line("E[r_J] = -log(16)(1-p)^2", p, exact),
            Series.line("log p", p, logP),
            Series.points("simulated mean r_J", p, simulated))))));
    return m;
  }

  /** REINFORCE-LOO with two samples per prompt and KL coefficient {@code betaRl} (memoised). */
  Curve reinforce(double betaRl) {
    return run("REINFORCE beta_RL=" + betaRl, 2, p -> Algorithms.reinforceLoo(p,
        testbed.reference(), testbed.reward(), testbed.prompts(), 2, betaRl, training()));
  }

  /** C5 (Fig. 4): J-BOND's reward/KL curve lies above REINFORCE-LOO's for every β_RL. */
  Measurement c5() {
    Curve jbond = jBond(0.02, 0);
    Measurement m = Measurement.of("C5");
    List<Curve> all = new ArrayList<>();
    for (double betaRl : new double[] {0.001, 0.01, 0.1, 1}) {
      all.add(reinforce(betaRl));
    }
    all = againstBestOfNCurve(m, jbond, all);
    m.test("J-BOND KL-vs-step R^2 - " + LINEAR_KL_R2,
        Curve.linearR2(jbond.steps(), jbond.klFromReference()) - LINEAR_KL_R2,
        INTERVAL_ABOVE_ZERO);
    m.report("J-BOND/final_kl_ref", Curve.last(jbond.klFromReference()));
    m.report("J-BOND/final_reward", Curve.last(jbond.reward()));
    m.plots().add(new Figure("fig4", List.of(Plots.againstKl("Reward vs KL", all, curves),
        Plots.panel("KL from reference", "step", "KL(pi || pi_ref)", all,
            Curve::klFromReference))));
    return m;
  }

  /**
   * Tests, per baseline, that its shortfall below the Best-of-N curve exceeds J-BOND's, and
   * records every run's distances; returns J-BOND followed by the baselines.
   */
  private List<Curve> againstBestOfNCurve(Measurement m, Curve jbond, List<Curve> baselines) {
    double jbondShortfall = curves.shortfallBelowBestOfN(jbond);
    distances(m, jbond);
    List<Curve> all = new ArrayList<>();
    all.add(jbond);
    for (Curve baseline : baselines) {
      all.add(baseline);
      distances(m, baseline);
      m.test(baseline.label() + " shortfall - J-BOND shortfall (below Best-of-N)",
          curves.shortfallBelowBestOfN(baseline) - jbondShortfall, INTERVAL_ABOVE_ZERO);
    }
    return all;
  }

  /** C6 (Fig. 10, 11): EMA versus periodic anchor, and the effects of η and γ. */
  Measurement c6() {
    Curve ema = jBond(0.02, 0);
    Curve periodic = run("J-BOND periodic K=50", 2, p -> Algorithms.jBondPeriodic(p,
        testbed.reference(), testbed.reward(), testbed.prompts(), 0.5, 50, 0, training()));
    double lo = Math.max(ema.reward()[0], periodic.reward()[0]);
    double hi = Math.min(Curve.max(ema.reward()), Curve.max(periodic.reward()));
    double gap = 0;
    int levels = 10;
    for (int i = 1; i <= levels; i++) {
      double level = lo + (hi - lo) * i / (levels + 1.0);
      gap += (periodic.klAtReward(level) - ema.klAtReward(level)) / levels;
    }
    Measurement m = Measurement.of("C6")
        .test("KL_periodic - KL_EMA at equal reward", gap, INTERVAL_ABOVE_ZERO);
    distances(m, ema);
    distances(m, periodic);
    double[] etas = {0.005, 0.02, 0.1};
    double[] gammas = {0, 1, 4};
    List<Curve> etaRuns = new ArrayList<>();
    List<Curve> gammaRuns = new ArrayList<>();
    int mid = ema.size() / 2;
    for (int i = 0; i < etas.length; i++) {
      etaRuns.add(jBond(etas[i], 0));
      if (i > 0) {
        m.test("reward at mid-run: eta=" + etas[i] + " - eta=" + etas[i - 1],
            etaRuns.get(i).reward()[mid] - etaRuns.get(i - 1).reward()[mid],
            INTERVAL_ABOVE_ZERO);
      }
    }
    for (int i = 0; i < gammas.length; i++) {
      gammaRuns.add(jBond(0.02, gammas[i]));
      if (i > 0) {
        m.test("final KL: gamma=" + gammas[i - 1] + " - gamma=" + gammas[i],
            Curve.last(gammaRuns.get(i - 1).klFromReference())
                - Curve.last(gammaRuns.get(i).klFromReference()), INTERVAL_ABOVE_ZERO);
      }
    }
    m.plots().add(new Figure("fig10", List.of(
        Plots.againstKl("EMA vs periodic anchor", List.of(ema, periodic), curves))));
    m.plots().add(new Figure("fig11", List.of(
        Plots.panel("Anchor rate eta", "step", "E[r]", etaRuns, Curve::reward),
        Plots.panel("Regulariser gamma", "step", "KL(pi || pi_ref)", gammaRuns,
            Curve::klFromReference))));
    return m;
  }

  /** C7 (Fig. 6): J-BOND's reward/KL trade-off beats vBoN's for every fixed N. */
  Measurement c7() {
    Curve jbond = jBond(0.02, 0);
    Measurement m = Measurement.of("C7");
    List<Curve> all = new ArrayList<>();
    for (int n : new int[] {4, 8, 64, 128, 512}) {
      all.add(run("vBoN N=" + n, 2, p -> Algorithms.vBoN(p, testbed.reference(),
          testbed.reward(), testbed.prompts(), n, new TwoSampleEstimate(), training())));
    }
    all = againstBestOfNCurve(m, jbond, all);
    m.plots().add(new Figure("fig6", List.of(Plots.againstKl("J-BOND vs vBoN", all, curves))));
    return m;
  }
}
