package dev.bond4j.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bond4j.BondException;
import dev.bond4j.algorithm.BestOfNSampler;
import dev.bond4j.algorithm.Evaluation;
import dev.bond4j.algorithm.Metrics;
import dev.bond4j.algorithm.MetricsRecorder;
import dev.bond4j.algorithm.MonteCarloEvaluator;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.cli.ApplicationOptions;
import dev.bond4j.dsl.Bond;
import dev.bond4j.dsl.BondRun;
import dev.bond4j.dsl.JBondBuilder;
import dev.bond4j.math.ContinuousBestOfN;
import dev.bond4j.math.TieRule;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.paper.Figure;
import dev.bond4j.paper.Panel;
import dev.bond4j.paper.Series;
import dev.bond4j.report.FigureRenderer;
import dev.bond4j.sink.CsvSink;
import dev.bond4j.sink.JsonlSink;
import dev.bond4j.sink.ProgressBar;
import dev.bond4j.spi.Backend;
import dev.bond4j.spi.ModelShape;
import dev.bond4j.value.Completion;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.Rollout;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded demo: it trains a small GPT on a synthetic review corpus (the reference), then
 * distils Best-of-N of it towards positive reviews with J-BOND, compares REINFORCE-LOO at two KL
 * coefficients and Best-of-N sampling at N = 1 to 16, and writes metrics, plots, sample
 * completions and a summary. It downloads nothing.
 */
public final class Demo {
  /** Largest completion of the demo, in tokens. */
  static final int MAX_NEW_TOKENS = 12;
  static final int BATCH = 16;
  static final int[] BEST_OF = {1, 2, 4, 8, 16};
  static final double[] REINFORCE_KL = {0.01, 0.1};

  private final Backend backend;
  private final DemoSettings settings;
  private final PrintWriter console;
  private final boolean interactive;
  private final WordTokenizer tokenizer = ReviewCorpus.tokenizer();
  private final LexiconReward reward = new LexiconReward(tokenizer);

  /** A demo on {@code backend}, reporting to {@code console}. */
  public Demo(Backend backend, DemoSettings settings, PrintWriter console, boolean interactive) {
    this.backend = backend;
    this.settings = settings;
    this.console = console;
    this.interactive = interactive;
  }

  /** The reference policy's shape. */
  ModelShape shape() {
    return ModelShape.builder().vocabularySize(tokenizer.vocabularySize())
        .eosToken(WordTokenizer.EOS).contextLength(24).dModel(64).layers(2).heads(4).build();
  }

  /** Runs the whole demo and returns its summary. */
  public DemoSummary run() {
    long start = System.nanoTime();
    Path out = settings.out();
    List<Prompt> prompts = ReviewCorpus.prompts(tokenizer);
    Path referenceDir = reference(out.resolve("reference"));
    OptimizerSettings optimizer = OptimizerSettings.builder().learningRate(3e-4)
        .maxGradNorm(1.0).build();
    try (TrainablePolicy jbondPolicy = backend.load(referenceDir, ApplicationOptions.DEFAULTS,
            optimizer);
        PolicySnapshot reference = jbondPolicy.snapshot()) {
      return run(start, prompts, referenceDir, optimizer, jbondPolicy, reference);
    }
  }

  private DemoSummary run(long start, List<Prompt> prompts, Path referenceDir,
      OptimizerSettings optimizer, TrainablePolicy jbondPolicy, PolicySnapshot reference) {
    Path out = settings.out();
    MonteCarloEvaluator evaluator = new MonteCarloEvaluator(reference, reward, 8, 16,
        MAX_NEW_TOKENS);
    Evaluation before = evaluator.evaluate(reference, prompts, settings.seed());
    List<Completion> samplesBefore = reference.sample(prompts,
        SamplingSettings.training(MAX_NEW_TOKENS), settings.seed());

    Map<String, MetricsRecorder> curves = new LinkedHashMap<>();
    JBondBuilder base = Bond.jbond().reference(reference).reward(reward).prompts(prompts)
        .batchSize(BATCH).maxNewTokens(MAX_NEW_TOKENS).steps(settings.steps())
        .seed(settings.seed());
    curves.put("J-BOND", train("jbond", base.policy(jbondPolicy).beta(0.5).eta(0.05)
        .build()));
    Evaluation distilled = evaluator.evaluate(jbondPolicy, prompts, settings.seed() + 1);
    List<Completion> samplesAfter = jbondPolicy.sample(prompts,
        SamplingSettings.training(MAX_NEW_TOKENS), settings.seed());
    jbondPolicy.save(out.resolve("jbond-policy"));

    Map<String, Evaluation> baselines = new LinkedHashMap<>();
    for (double kl : REINFORCE_KL) {
      try (TrainablePolicy policy = backend.load(referenceDir, ApplicationOptions.DEFAULTS,
          optimizer)) {
        String label = "REINFORCE beta_RL=" + kl;
        BondRun run = Bond.reinforce().policy(policy).reference(reference).reward(reward)
            .prompts(prompts).klCoefficient(kl).batchSize(BATCH).maxNewTokens(MAX_NEW_TOKENS)
            .steps(settings.steps()).seed(settings.seed()).build();
        curves.put(label, train("reinforce-" + kl, run));
        baselines.put(label, evaluator.evaluate(policy, prompts, settings.seed() + 1));
      }
    }

    Map<Integer, Double> bestOfN = new LinkedHashMap<>();
    for (int n : BEST_OF) {
      BestOfNSampler sampler = new BestOfNSampler(reference, reward, n, TieRule.STRICT,
          SamplingSettings.training(MAX_NEW_TOKENS));
      double sum = 0;
      List<Prompt> repeated = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        repeated.addAll(prompts);
      }
      for (Rollout best : sampler.sample(repeated, settings.seed() + n)) {
        sum += best.reward();
      }
      bestOfN.put(n, sum / repeated.size());
    }

    writePlots(out, curves, bestOfN);
    writeSamples(out.resolve("samples.md"), samplesBefore, samplesAfter);
    DemoSummary summary = new DemoSummary(before, distilled, baselines, bestOfN,
        (System.nanoTime() - start) / 1e9);
    writeSummary(out.resolve("summary.json"), summary);
    return summary;
  }

  /** Loads the cached reference, or trains it on the corpus and caches it. */
  Path reference(Path directory) {
    if (Files.isRegularFile(directory.resolve("model.safetensors"))) {
      console.println("Using the cached reference policy in " + directory);
      return directory;
    }
    console.println("Training the reference policy on the synthetic review corpus ("
        + settings.pretrainSteps() + " steps)...");
    try (TrainablePolicy policy = backend.create(shape(), ApplicationOptions.DEFAULTS,
        OptimizerSettings.builder().learningRate(3e-3).warmupSteps(20).maxGradNorm(1.0).build(),
        settings.seed())) {
      pretrain(policy);
      policy.save(directory);
    }
    try {
      Files.deleteIfExists(directory.resolve("optimizer.safetensors"));
    } catch (IOException e) {
      throw new BondException("Cannot tidy the reference in " + directory, e);
    }
    return directory;
  }

  /** Trains {@code policy} on the corpus for the settings' pretraining steps. */
  private void pretrain(TrainablePolicy policy) {
    List<String> corpus = ReviewCorpus.sentences(20_000, settings.seed());
    int batch = 32;
    for (int step = 0; step < settings.pretrainSteps(); step++) {
      List<WeightedSequence> sequences = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        TokenSequence tokens = tokenizer.encode(corpus.get((step * batch + i) % corpus.size()));
        Prompt prompt = Prompt.of("corpus", tokens.prefix(3));
        TokenSequence rest = tokens.concat(TokenSequence.of(WordTokenizer.EOS));
        sequences.add(WeightedSequence.of(prompt, TokenSequence.of(
            Arrays.copyOfRange(rest.toArray(), 3, rest.length())), 1.0 / batch));
      }
      double loss = policy.update(sequences).loss();
      if ((step + 1) % Math.max(1, settings.pretrainSteps() / 5) == 0) {
        console.printf("  step %d/%d: loss per sentence %.3f%n", step + 1,
            settings.pretrainSteps(), loss);
        console.flush();
      }
    }
  }

  private MetricsRecorder train(String name, BondRun run) {
    MetricsRecorder recorder = new MetricsRecorder();
    Path dir = settings.out().resolve("runs").resolve(name);
    try (Trainer trainer = run.trainer();
        JsonlSink jsonl = new JsonlSink(dir.resolve("metrics.jsonl"));
        CsvSink csv = new CsvSink(dir.resolve("metrics.csv"))) {
      trainer.addListener(recorder);
      trainer.addListener(jsonl);
      trainer.addListener(csv);
      trainer.addListener(new ProgressBar(console, name, run.settings().steps(), interactive));
      trainer.train(run.settings().steps());
    } catch (IOException e) {
      throw new BondException("Cannot close the metrics of " + name, e);
    }
    return recorder;
  }

  private static double[] smooth(double[] values, int window) {
    double[] out = new double[values.length];
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      sum += values[i];
      if (i >= window) {
        sum -= values[i - window];
      }
      out[i] = sum / Math.min(i + 1, window);
    }
    return out;
  }

  private void writePlots(Path out, Map<String, MetricsRecorder> curves,
      Map<Integer, Double> bestOfN) {
    List<Series> reward = new ArrayList<>();
    List<Series> kl = new ArrayList<>();
    List<Series> frontier = new ArrayList<>();
    for (Map.Entry<String, MetricsRecorder> e : curves.entrySet()) {
      double[] r = smooth(e.getValue().series(Metrics.REWARD_MEAN), 10);
      double[] k = smooth(e.getValue().series(Metrics.KL_REF), 10);
      double[] steps = new double[r.length];
      for (int i = 0; i < steps.length; i++) {
        steps[i] = i + 1;
      }
      reward.add(Series.line(e.getKey(), steps, r));
      kl.add(Series.line(e.getKey(), steps, k));
      frontier.add(Series.line(e.getKey(), k, r));
    }
    double[] bonKl = new double[BEST_OF.length];
    double[] bonReward = new double[BEST_OF.length];
    for (int i = 0; i < BEST_OF.length; i++) {
      bonKl[i] = ContinuousBestOfN.klFromBase(BEST_OF[i]);
      bonReward[i] = bestOfN.get(BEST_OF[i]);
    }
    frontier.add(Series.points("Best-of-N, N = 1..16", bonKl, bonReward));
    FigureRenderer renderer = new FigureRenderer();
    renderer.render(new Figure("reward", List.of(new Panel("Reward during training", "step",
        "mean reward (moving average of 10)", reward))), out);
    renderer.render(new Figure("kl", List.of(new Panel("KL from the reference", "step",
        "KL(pi || pi_ref) estimate (moving average of 10)", kl))), out);
    renderer.render(new Figure("reward-vs-kl", List.of(new Panel("Reward against KL",
        "KL(pi || pi_ref)  (Best-of-N: log N - (N-1)/N)", "mean reward", frontier))), out);
  }

  private void writeSamples(Path file, List<Completion> before, List<Completion> after) {
    StringBuilder md = new StringBuilder("# Sample completions\n\n"
        + "| prompt | reference | reward | J-BOND | reward |\n|---|---|---|---|---|\n");
    double[] rb = reward.score(before);
    double[] ra = reward.score(after);
    for (int i = 0; i < before.size(); i++) {
      md.append(String.format("| %s | %s | %.1f | %s | %.1f |%n", before.get(i).prompt().text(),
          tokenizer.decode(before.get(i).completion()), rb[i],
          tokenizer.decode(after.get(i).completion()), ra[i]));
    }
    try {
      Files.writeString(file, md);
    } catch (IOException e) {
      throw new BondException("Cannot write " + file, e);
    }
  }

  private static void writeSummary(Path file, DemoSummary summary) {
    try {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(),
          summary);
    } catch (IOException e) {
      throw new BondException("Cannot write " + file, e);
    }
  }
}
