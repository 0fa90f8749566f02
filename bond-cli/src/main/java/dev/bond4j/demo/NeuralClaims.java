package dev.bond4j.demo;

import static dev.bond4j.paper.Requirement.INTERVAL_ABOVE_ZERO;

import dev.bond4j.Problems;
import dev.bond4j.cli.ApplicationOptions;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.dsl.Bond;
import dev.bond4j.dsl.RunBuilder;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.paper.ClaimResult;
import dev.bond4j.paper.Curve;
import dev.bond4j.paper.Figure;
import dev.bond4j.paper.Measurement;
import dev.bond4j.paper.Panel;
import dev.bond4j.paper.PaperClaims;
import dev.bond4j.paper.Series;
import dev.bond4j.spi.Backend;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Claims C2, C5 and C6 on the demo's GPT (DJL backend by default), over several seeds: the
 * neural section of {@code bond paper --neural}. The reference is the demo's, trained once and
 * cached; each seed seeds the training runs and the Monte-Carlo evaluation
 * ({@link BestOfNEstimates}). The criteria are those of the testbed, with Monte-Carlo estimates in
 * place of exact ones: 95% confidence intervals over seeds of differences signed in the claim's
 * direction, above 0.
 */
public final class NeuralClaims {
  /** C2's Best-of-N. */
  static final int N = 8;
  /** Reference samples per prompt behind the quantiles and the Best-of-N law. */
  static final int REFERENCE_SAMPLES = 64;
  /** Samples per prompt of every evaluation. */
  static final int EVAL_SAMPLES = 8;
  /** Evaluations per run of C5 and C6, after step 0. */
  static final int EVALUATIONS = 5;

  private final Backend backend;
  private final Path out;
  private final int steps;
  private final PrintWriter console;
  private final WordTokenizer tokenizer = ReviewCorpus.tokenizer();
  private final LexiconReward reward = new LexiconReward(tokenizer);

  /** The section on {@code backend}, the reference cached under {@code out/reference}. */
  public NeuralClaims(Backend backend, Path out, int steps, PrintWriter console) {
    Problems.require(steps >= EVALUATIONS, "neural steps", steps,
        "an integer >= " + EVALUATIONS + " (one per evaluation)");
    this.backend = backend;
    this.out = out;
    this.steps = steps;
    this.console = console;
  }

  /** C2, C5 and C6 over {@code seeds}, in that order. */
  public List<ClaimResult> run(long[] seeds) {
    Demo demo = new Demo(backend, new DemoSettings(out, backend.name(), steps, 400, 1),
        console, false);
    Path referenceDir = demo.reference(out.resolve("reference"));
    List<List<Measurement>> perSeed = new ArrayList<>();
    for (long seed : seeds) {
      console.printf("neural section: seed %d%n", seed);
      console.flush();
      perSeed.add(measure(referenceDir, seed));
    }
    List<ClaimResult> results = new ArrayList<>();
    String[][] text = {
        {"C2 (GPT): Jeffreys (beta = 0.5) keeps both KL(pi||pi_BoN) and KL(pi_BoN||pi) low, while"
            + " beta = 0 leaves the backward and beta = 1 the forward KL higher; beta = 0.5 raises"
            + " the log-quantile more than beta = 0.", "BOND N = " + N + ", Monte-Carlo quantiles,"
            + " " + steps + " steps on the demo's GPT; KLs to Best-of-N and log-quantile by"
            + " Monte-Carlo at the end; 95% CI over seeds of each difference above 0."},
        {"C5 (GPT): J-BOND's reward/KL curve lies above REINFORCE-LOO's for beta_RL in {0.01,"
            + " 0.1}.", "Judged against the Monte-Carlo Best-of-N curve (N = 1.." + BestOfNEstimates
            .MAX_N + "): REINFORCE's mean shortfall below it minus J-BOND's, 95% CI above 0."},
        {"C6 (GPT): at equal reward the EMA anchor gives lower KL from pi_ref than a periodic"
            + " anchor (every 50 steps).", "Mean over 10 reward levels reached by both of"
            + " KL_periodic - KL_EMA, 95% CI above 0."}};
    for (int k = 0; k < 3; k++) {
      List<Measurement> claim = new ArrayList<>();
      for (List<Measurement> m : perSeed) {
        claim.add(m.get(k));
      }
      results.add(PaperClaims.combine(claim, seeds, text[k][0], text[k][1]));
    }
    return results;
  }

  private List<Measurement> measure(Path referenceDir, long seed) {
    OptimizerSettings optimizer = OptimizerSettings.builder().learningRate(3e-4)
        .maxGradNorm(1.0).build();
    try (TrainablePolicy loaded = backend.load(referenceDir, ApplicationOptions.DEFAULTS, optimizer);
        PolicySnapshot reference = loaded.snapshot()) {
      return measure(referenceDir, optimizer, reference, seed);
    }
  }

  private List<Measurement> measure(Path referenceDir, OptimizerSettings optimizer,
      PolicySnapshot reference, long seed) {
    List<Prompt> prompts = ReviewCorpus.prompts(tokenizer);
    BestOfNEstimates estimates = new BestOfNEstimates(reference, reward, prompts, N,
        REFERENCE_SAMPLES, EVAL_SAMPLES, Demo.MAX_NEW_TOKENS, seed * 1000);
    double[][] bonCurve = estimates.curve();
    RunContext context = new RunContext(referenceDir, optimizer, reference, prompts, estimates,
        seed);

    Measurement c2 = Measurement.of("C2 (GPT)");
    double[][] c2Runs = new double[3][];
    double[] betas = {0, 0.5, 1};
    for (int b = 0; b < 3; b++) {
      c2Runs[b] = context.train("BOND N=8 beta=" + betas[b], Bond.bond(N).beta(betas[b])
          .quantileSamples(N), 1).finalMetrics();
      c2.report("BOND N=8 beta=" + betas[b] + "/kl_backward", c2Runs[b][2]);
      c2.report("BOND N=8 beta=" + betas[b] + "/kl_forward", c2Runs[b][3]);
      c2.report("BOND N=8 beta=" + betas[b] + "/log_quantile", c2Runs[b][4]);
    }
    c2.test("backward KL(beta=0) - backward KL(beta=0.5)", c2Runs[0][2] - c2Runs[1][2],
        INTERVAL_ABOVE_ZERO);
    c2.test("forward KL(beta=1) - forward KL(beta=0.5)", c2Runs[2][3] - c2Runs[1][3],
        INTERVAL_ABOVE_ZERO);
    c2.test("log-quantile(beta=0.5) - log-quantile(beta=0)", c2Runs[1][4] - c2Runs[0][4],
        INTERVAL_ABOVE_ZERO);

    Curve jbond = context.train("J-BOND", Bond.jbond().beta(0.5).eta(0.05), EVALUATIONS)
        .curve();
    Measurement c5 = Measurement.of("C5 (GPT)");
    double jbondShortfall = shortfall(jbond, bonCurve);
    c5.report("J-BOND/shortfall_below_best_of_n", jbondShortfall);
    List<Curve> c5Curves = new ArrayList<>(List.of(jbond));
    for (double kl : Demo.REINFORCE_KL) {
      Curve r = context.train("REINFORCE beta_RL=" + kl, Bond.reinforce().klCoefficient(kl),
          EVALUATIONS).curve();
      c5Curves.add(r);
      double s = shortfall(r, bonCurve);
      c5.report(r.label() + "/shortfall_below_best_of_n", s);
      c5.test(r.label() + " shortfall - J-BOND shortfall (below Best-of-N)", s - jbondShortfall,
          INTERVAL_ABOVE_ZERO);
    }
    Curve periodic = context.train("J-BOND periodic K=50", Bond.jbond().beta(0.5)
        .anchorEvery(50), EVALUATIONS).curve();
    Measurement c6 = Measurement.of("C6 (GPT)");
    double lo = Math.max(jbond.reward()[0], periodic.reward()[0]);
    double hi = Math.min(Curve.max(jbond.reward()), Curve.max(periodic.reward()));
    double gap = 0;
    for (int i = 1; i <= 10; i++) {
      double level = lo + (hi - lo) * i / 11.0;
      gap += (periodic.klAtReward(level) - jbond.klAtReward(level)) / 10;
    }
    c6.test("KL_periodic - KL_EMA at equal reward", gap, INTERVAL_ABOVE_ZERO);
    List<Series> series = new ArrayList<>();
    for (Curve c : c5Curves) {
      series.add(Series.line(c.label(), c.klFromReference(), c.reward()));
    }
    series.add(Series.line("Best-of-N (Monte-Carlo, N=1..64)", bonCurve[0], bonCurve[1]));
    c5.plots().add(new Figure("neural_fig4", List.of(new Panel("GPT: reward vs KL",
        "KL(pi || pi_ref)", "E[r]", series))));
    c6.plots().add(new Figure("neural_fig10", List.of(new Panel("GPT: EMA vs periodic anchor",
        "KL(pi || pi_ref)", "E[r]", List.of(
            Series.line(jbond.label(), jbond.klFromReference(), jbond.reward()),
            Series.line(periodic.label(), periodic.klFromReference(), periodic.reward()))))));
    c2.plots().add(new Figure("neural_fig7", List.of(bars("GPT: KL to Best-of-8", c2Runs))));
    return List.of(c2, c5, c6);
  }

  private static Panel bars(String title, double[][] runs) {
    double[] beta = {0, 0.5, 1};
    double[] backward = new double[3];
    double[] forward = new double[3];
    for (int b = 0; b < 3; b++) {
      backward[b] = runs[b][2];
      forward[b] = runs[b][3];
    }
    return new Panel(title, "beta", "KL after training", List.of(
        Series.line("KL(pi || pi_BoN)", beta, backward),
        Series.line("KL(pi_BoN || pi)", beta, forward)));
  }

  /**
   * Mean, over evaluations after step 0 within the curve's KL range, of the Best-of-N curve's
   * reward at the run's KL minus the run's reward.
   */
  static double shortfall(Curve run, double[][] curve) {
    double sum = 0;
    int count = 0;
    for (int i = 1; i < run.size(); i++) {
      double kl = Math.max(0, run.klFromReference()[i]);
      for (int k = 1; k < curve[0].length; k++) {
        if (kl <= curve[0][k]) {
          double t = (kl - curve[0][k - 1]) / (curve[0][k] - curve[0][k - 1]);
          sum += curve[1][k - 1] + t * (curve[1][k] - curve[1][k - 1]) - run.reward()[i];
          count++;
          break;
        }
      }
    }
    return count == 0 ? Double.NaN : sum / count;
  }

  /** A trained run: its evaluations as a curve, and the final evaluation. */
  private record Trained(Curve curve, double[] finalMetrics) {}

  /** What every run of one seed shares. */
  private final class RunContext {
    private final Path referenceDir;
    private final OptimizerSettings optimizer;
    private final PolicySnapshot reference;
    private final List<Prompt> prompts;
    private final BestOfNEstimates estimates;
    private final long seed;
    private final double[] atReference;

    RunContext(Path referenceDir, OptimizerSettings optimizer, PolicySnapshot reference,
        List<Prompt> prompts, BestOfNEstimates estimates, long seed) {
      this.referenceDir = referenceDir;
      this.optimizer = optimizer;
      this.reference = reference;
      this.prompts = prompts;
      this.estimates = estimates;
      this.seed = seed;
      this.atReference = estimates.evaluate(reference, seed * 7919);
    }

    /** Trains from the reference, evaluating {@code evaluations} times after step 0. */
    Trained train(String label, RunBuilder<?> builder, int evaluations) {
      double[][] rows = new double[evaluations + 1][];
      double[] stepAt = new double[evaluations + 1];
      rows[0] = atReference;
      try (TrainablePolicy policy = backend.load(referenceDir, ApplicationOptions.DEFAULTS,
              optimizer);
          Trainer trainer = builder.policy(policy).reference(reference).reward(reward)
              .prompts(prompts).batchSize(Demo.BATCH).maxNewTokens(Demo.MAX_NEW_TOKENS)
              .steps(steps).seed(seed).build().trainer()) {
        for (int e = 1; e <= evaluations; e++) {
          trainer.train(steps / evaluations);
          stepAt[e] = trainer.steps();
          rows[e] = estimates.evaluate(policy, seed * 7919 + e);
        }
      }
      double[][] columns = new double[5][evaluations + 1];
      for (int e = 0; e <= evaluations; e++) {
        for (int k = 0; k < 5; k++) {
          columns[k][e] = rows[e][k];
        }
      }
      return new Trained(new Curve(label, stepAt, columns[0], columns[1], columns[4],
          columns[2], columns[3]), rows[evaluations]);
    }
  }
}
