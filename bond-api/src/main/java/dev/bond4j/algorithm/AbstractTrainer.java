package dev.bond4j.algorithm;

import dev.bond4j.BondException;
import dev.bond4j.InvalidArgumentException;
import dev.bond4j.MemoryBudget;
import dev.bond4j.Problems;
import dev.bond4j.anchor.Anchor;
import dev.bond4j.model.Policy;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.random.Seeds;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.StepReport;
import dev.bond4j.value.UpdateResult;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plumbing every trainer shares: step counting, seeded prompt order, listeners (a
 * {@link NonFiniteGuard} and a {@link NoSignalWarning} are always installed), stage timing, the
 * step report, and the step's pipeline of named stages, each passing a typed record to the next:
 * {@link #sample} → {@link #score} → {@link #estimate} → {@link #weigh} → update → move the anchor
 * → {@link #report}. Subclasses implement the stages.
 *
 * @param <E> what the estimate stage of the trainer computes
 */
abstract class AbstractTrainer<E> implements Trainer {
  final TrainingSettings settings;
  final Seeds seeds;
  private final PromptOrder order;
  private final List<TrainingListener> listeners = new ArrayList<>();
  private static final String STATE = "trainer.properties";
  private static final String PROVENANCE = "provenance.json";
  private final String promptsDigest;
  private RunIdentity identity;

  private long steps;
  private boolean closed;
  private boolean started;

  /**
   * Checks, before anything is allocated, that the completions fit the policy's context and that
   * a step's sequences fit in memory.
   *
   * @param sequencesPerPrompt the sequences a step samples per prompt
   */
  AbstractTrainer(List<Prompt> prompts, TrainingSettings settings, Policy policy,
      int sequencesPerPrompt) {
    MemoryBudget.requireSequences(policy, prompts,
        (double) settings.batchSize() * sequencesPerPrompt / Math.max(1, prompts.size()),
        settings.maxNewTokens(), "maxNewTokens", "batchSize", settings.batchSize());
    this.settings = settings;
    this.seeds = new Seeds(settings.seed());
    this.order = new PromptOrder(prompts, settings.batchSize(), seeds);
    this.promptsDigest = RunIdentity.promptsDigest(prompts);
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
    if (closed) {
      throw new BondException("The trainer is closed: it cannot step after close()");
    }
    if (!started) {
      started = true;
      RunProvenance provenance = provenance();
      listeners.forEach(listener -> listener.onStart(provenance));
    }
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

  /** Closes the anchor, which frees the snapshot it made, once. */
  @Override
  public final void close() {
    if (!closed) {
      closed = true;
      anchor().close();
    }
  }

  /** The policy being trained. */
  abstract TrainablePolicy policy();

  /** The anchor that moves with the policy, if any. */
  abstract Anchor anchor();

  @Override
  public final RunIdentity identity() {
    if (identity == null) {
      identity = new RunIdentity().put("batchSize", settings.batchSize())
          .put("maxNewTokens", settings.maxNewTokens()).put("seed", settings.seed())
          .put("tieRule", settings.tieRule()).put("prompts", promptsDigest)
          .put("policy.vocabularySize", policy().vocabularySize())
          .put("policy.eosToken", policy().eosToken())
          .put("policy.maxSequenceLength", policy().maxSequenceLength());
      describe(identity);
    }
    return identity;
  }

  /** Adds the trainer's own knobs (algorithm, N, β, anchor, ...) to the run's identity. */
  abstract void describe(RunIdentity identity);

  @Override
  public final RunProvenance provenance() {
    return RunProvenance.of(policy().engine(), identity(), Map.of("run", settings.seed()));
  }

  @Override
  public final Path checkpoint(CheckpointStore store) {
    long step = steps;
    return store.write(step, identity(), folder -> {
      policy().save(folder.resolve("policy"));
      Files.createDirectories(folder.resolve("anchor"));
      anchor().save(folder.resolve("anchor"));
      Files.writeString(folder.resolve(STATE), "steps=" + step + "\n");
      Files.writeString(folder.resolve(PROVENANCE), provenance().toJson() + "\n");
    }, phase -> listeners.forEach(l -> l.onCheckpoint(step, phase)));
  }

  @Override
  public final CheckpointStore.Found resume(CheckpointStore store) {
    CheckpointStore.Found found = store.newestIntact().orElseThrow(() ->
        new InvalidArgumentException("No intact checkpoint under " + store.directory()
            + " to resume from (expected step-N folders written by Trainer.checkpoint that match"
            + " their manifest.sha256)"));
    List<InvalidArgumentException.Problem> differences =
        identity().differencesFrom(found.identity());
    if (!differences.isEmpty()) {
      Problems problems = Problems.of("resume from " + found.folder()
          + ", a checkpoint of another run");
      differences.forEach(problems::add);
      problems.throwIfAny();
    }
    try {
      policy().load(found.folder().resolve("policy"));
      anchor().restore(found.folder().resolve("anchor"));
    } catch (RuntimeException e) {
      if (e instanceof BondException bond) {
        throw bond;
      }
      throw new BondException("Cannot resume from " + found.folder() + ": " + e, e);
    }
    steps = found.step();
    return found;
  }

  /**
   * Runs the stages of step {@code step} on {@code prompts}, timing each, and writes the metrics.
   *
   * @return the number of tokens sampled in the step
   */
  private long runStep(long step, List<Prompt> prompts, StageTimer timer,
      Map<String, Double> metrics) {
    Samples samples = sample(step, prompts);
    timer.lap(Metrics.TIME_SAMPLE);
    Rewards rewards = score(step, samples);
    timer.lap(Metrics.TIME_SCORE);
    E estimates = estimate(step, rewards);
    timer.lap(Metrics.TIME_ESTIMATE);
    Weights weights = weigh(step, estimates);
    UpdateResult update = weights.batch().isEmpty() ? null : policy().update(weights.batch());
    timer.lap(Metrics.TIME_UPDATE);
    boolean moved = anchor().afterStep(policy(), step);
    if (movesAnchor()) {
      timer.lap(Metrics.TIME_ANCHOR);
    }
    report(estimates, weights, update, moved, metrics);
    return samples.tokens();
  }

  /** Stage 1: the policy's (and the anchor's) completions of the step's prompts. */
  abstract Samples sample(long step, List<Prompt> prompts);

  /** Stage 2: the rewards of every sample, one per sample and finite. */
  final Rewards score(long step, Samples samples) {
    int count = samples.all().size();
    double[] rewards = samples.rollouts().rewards();
    Problems.require(rewards.length == count, "reward.score(...).length", rewards.length,
        "one reward per sequence, " + count);
    NonFiniteGuard.requireFinite(step, "reward", rewards);
    return new Rewards(samples, rewards);
  }

  /** Stage 3: the trainer's estimates (log-probabilities, returns, Best-of-N picks, ...). */
  abstract E estimate(long step, Rewards rewards);

  /** Stage 4: the weights of each loss term, handed to the listeners, and the update's batch. */
  abstract Weights weigh(long step, E estimates);

  /** Whether the trainer has an anchor stage of its own, timed as {@code time/anchor}. */
  abstract boolean movesAnchor();

  /** Stage 7: the step's metrics (SPEC S10), after the update (stage 5) and anchor (stage 6). */
  abstract void report(E estimates, Weights weights, UpdateResult update, boolean anchorMoved,
      Map<String, Double> metrics);

  /** Hands a term's weights to the listeners (the guard stops non-finite ones here). */
  final void checkWeights(long step, String term, double[] weights) {
    for (TrainingListener listener : listeners) {
      listener.onWeights(step, term, weights);
    }
  }

  /** Adds the sequences with non-zero weight to {@code batch}. */
  static void addWeighted(List<WeightedSequence> batch,
      List<? extends PromptedSequence> sequences, double[] weights) {
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
