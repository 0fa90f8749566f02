package dev.bond4j.dsl;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.Problems;
import dev.bond4j.algorithm.ImmutableTrainingSettings;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.math.TieRule;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.value.Prompt;
import java.util.List;
import java.util.function.Supplier;

/**
 * The fluent builder behind {@link Bond}: components and the settings every algorithm shares, in
 * any order, then {@link #build()}, which validates everything and reports every problem at once.
 * Each algorithm's builder ({@link JBondBuilder}, {@link ReinforceBuilder}, ...) adds the knobs of
 * that algorithm only.
 *
 * @param <B> the algorithm's builder type, which every method returns
 */
public abstract class RunBuilder<B extends RunBuilder<B>> {
  private final ImmutableTrainingSettings.Builder training = TrainingSettings.builder();
  private int steps = RunSettings.builder().build().steps();
  private TrainablePolicy policy;
  private Policy reference;
  private RewardModel reward;
  private List<Prompt> prompts;

  /** Only the builders of this package extend it: the family of algorithms is closed. */
  RunBuilder() {}

  /** This builder, as its own type. */
  abstract B self();

  /**
   * The algorithm's knobs, validated.
   *
   * @throws InvalidArgumentException naming every bad knob
   */
  abstract AlgorithmSettings algorithmSettings();

  /** Starts from {@code settings}' shared settings and steps. */
  B sharing(RunSettings settings) {
    training.from(settings.training());
    steps = settings.steps();
    return self();
  }

  /** The policy to train. */
  public B policy(TrainablePolicy policy) {
    this.policy = policy;
    return self();
  }

  /**
   * The reference {@code π_ref}, which the caller keeps and closes; by default the policy's {@link
   * TrainablePolicy#referenceSnapshot()} taken at {@link #build()} (a snapshot, or the frozen base
   * of a LoRA policy), which the run owns and {@link BondRun#close() closes}.
   */
  public B reference(Policy reference) {
    this.reference = reference;
    return self();
  }

  /** The reward model. */
  public B reward(RewardModel reward) {
    this.reward = reward;
    return self();
  }

  /** The training prompts. */
  public B prompts(List<Prompt> prompts) {
    this.prompts = prompts;
    return self();
  }

  /** Prompts per step. */
  public B batchSize(int batchSize) {
    training.batchSize(batchSize);
    return self();
  }

  /** Longest completion, EOS included. */
  public B maxNewTokens(int maxNewTokens) {
    training.maxNewTokens(maxNewTokens);
    return self();
  }

  /** The run seed. */
  public B seed(long seed) {
    training.seed(seed);
    return self();
  }

  /** Steps between the reference's scoring passes for {@code kl/ref} (1: every step). */
  public B referenceEvery(int every) {
    training.referenceEvery(every);
    return self();
  }

  /** The Best-of-N tie rule. */
  public B tieRule(TieRule rule) {
    training.tieRule(rule);
    return self();
  }

  /** Steps of the run. */
  public B steps(int steps) {
    this.steps = steps;
    return self();
  }

  /** Validates every value and component and builds the run. */
  public BondRun build() {
    Problems problems = Problems.of("run")
        .check(policy != null, "policy", null, "a TrainablePolicy")
        .check(reward != null, "reward", null, "a RewardModel")
        .check(prompts != null && !prompts.isEmpty(), "prompts",
            prompts == null ? null : prompts.size(), "at least one prompt");
    AlgorithmSettings algorithm = validated(this::algorithmSettings, problems);
    TrainingSettings shared = validated(training::build, problems);
    ImmutableRunSettings.Builder run = RunSettings.builder().steps(steps);
    if (algorithm != null && shared != null) {
      run.algorithm(algorithm).training(shared);
    }
    RunSettings settings = validated(run::build, problems);
    problems.throwIfAny();
    return reference == null
        ? new BondRun(settings, policy, policy.referenceSnapshot(), reward, prompts, true)
        : new BondRun(settings, policy, reference, reward, prompts, false);
  }

  private static <T> T validated(Supplier<T> build, Problems problems) {
    try {
      return build.get();
    } catch (InvalidArgumentException e) {
      e.problems().forEach(problems::add);
      return null;
    }
  }
}
