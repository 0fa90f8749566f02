package dev.bond4j.algorithm;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.anchor.Anchor;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.random.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.StepReport;
import dev.bond4j.value.WeightedSequence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plumbing every trainer shares: step counting, seeded prompt order, listeners (a
 * {@link NonFiniteGuard} and a {@link NoSignalWarning} are always installed), stage timing and the
 * step report. Subclasses implement one step's pipeline.
 */
abstract class AbstractTrainer implements Trainer {
  final TrainingSettings settings;
  final Seeds seeds;
  private final PromptOrder order;
  private final List<TrainingListener> listeners = new ArrayList<>();
  private static final String LATEST = "latest";
  private static final String STATE = "trainer.properties";

  private long steps;

  AbstractTrainer(List<Prompt> prompts, TrainingSettings settings) {
    this.settings = settings;
    this.seeds = new Seeds(settings.seed());
    this.order = new PromptOrder(prompts, settings.batchSize(), seeds);
    listeners.add(new NonFiniteGuard());
    listeners.add(new NoSignalWarning());
  }

  @Override
  public final void addListener(TrainingListener listener) {
    listeners.add(listener);
  }

  @Override
  public final long steps() {
    return steps;
  }

  @Override
  public final StepReport step() {
    long step = steps + 1;
    StageTimer timer = new StageTimer();
    Map<String, Double> metrics = new LinkedHashMap<>();
    long sampledTokens = runStep(step, order.batch(step), timer, metrics);
    double total = timer.total();
    metrics.putAll(timer.seconds());
    metrics.put(Metrics.TIME_STEP, total);
    metrics.put(Metrics.TOKENS_PER_S, total > 0 ? sampledTokens / total : 0.0);
    StepReport report = StepReport.builder().step(step).metrics(metrics).build();
    steps = step;
    for (TrainingListener listener : listeners) {
      listener.onStep(report);
    }
    return report;
  }

  /** The policy being trained. */
  abstract TrainablePolicy policy();

  /** The anchor that moves with the policy, if any. */
  abstract Anchor anchor();

  @Override
  public final Path checkpoint(Path directory) {
    String name = "step-" + steps;
    Path target = directory.resolve(name);
    Path temporary = directory.resolve(name + ".tmp");
    try {
      deleteTree(temporary);
      Files.createDirectories(temporary);
      policy().save(temporary.resolve("policy"));
      Files.createDirectories(temporary.resolve("anchor"));
      anchor().save(temporary.resolve("anchor"));
      Properties state = new Properties();
      state.setProperty("steps", String.valueOf(steps));
      state.setProperty("seed", String.valueOf(settings.seed()));
      try (var out = Files.newBufferedWriter(temporary.resolve(STATE))) {
        state.store(out, "bond4j trainer state");
      }
      deleteTree(target);
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      Path pointer = directory.resolve(LATEST + ".tmp");
      Files.writeString(pointer, name);
      Files.move(pointer, directory.resolve(LATEST), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new BondException("Cannot write the checkpoint " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public final void resume(Path directory) {
    Path pointer = directory.resolve(LATEST);
    Problems.require(Files.isRegularFile(pointer), "checkpoint", directory.toString(),
        "a folder written by Trainer.checkpoint (with a 'latest' file)");
    try {
      Path source = directory.resolve(Files.readString(pointer).strip());
      Properties state = new Properties();
      try (var in = Files.newBufferedReader(source.resolve(STATE))) {
        state.load(in);
      }
      long seed = Long.parseLong(state.getProperty("seed"));
      Problems.require(seed == settings.seed(), "seed", settings.seed(),
          "the checkpoint's seed " + seed + ", or the resumed run would not continue the same one");
      policy().load(source.resolve("policy"));
      anchor().restore(source.resolve("anchor"));
      steps = Long.parseLong(state.getProperty("steps"));
    } catch (IOException | RuntimeException e) {
      if (e instanceof BondException bond) {
        throw bond;
      }
      throw new BondException("Cannot resume from " + directory + ": " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Runs the pipeline of step {@code step} on {@code prompts}, writing metrics.
   *
   * @return the number of tokens sampled in the step
   */
  abstract long runStep(long step, List<Prompt> prompts, StageTimer timer,
      Map<String, Double> metrics);

  /** Hands a term's weights to the listeners (the guard stops non-finite ones here). */
  final void checkWeights(long step, String term, double[] weights) {
    for (TrainingListener listener : listeners) {
      listener.onWeights(step, term, weights);
    }
  }

  /** Adds the sequences with non-zero weight to {@code batch}. */
  static void addWeighted(List<WeightedSequence> batch,
      List<? extends dev.bond4j.value.PromptedSequence> sequences, double[] weights) {
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] != 0) {
        batch.add(WeightedSequence.of(sequences.get(i), weights[i]));
      }
    }
  }

  static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return values.length == 0 ? Double.NaN : sum / values.length;
  }

  static double std(double[] values) {
    double m = mean(values);
    double sum = 0;
    for (double v : values) {
      sum += (v - m) * (v - m);
    }
    return values.length == 0 ? Double.NaN : Math.sqrt(sum / values.length);
  }

  /** {@code R_i − mean_{j≠i} R_j}; with a single element the baseline is 0. */
  static double[] leaveOneOut(double[] returns) {
    int n = returns.length;
    double sum = 0;
    for (double r : returns) {
      sum += r;
    }
    double[] advantages = new double[n];
    for (int i = 0; i < n; i++) {
      double baseline = n > 1 ? (sum - returns[i]) / (n - 1) : 0.0;
      advantages[i] = returns[i] - baseline;
    }
    return advantages;
  }
}
