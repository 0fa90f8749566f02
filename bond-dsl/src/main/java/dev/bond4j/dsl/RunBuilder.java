package dev.bond4j.dsl;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.Problems;
import dev.bond4j.math.TieRule;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.value.Prompt;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fluent builder behind {@link Bond}: components and knobs in any order, then {@link
 * #build()}, which validates everything and reports every problem at once.
 */
public final class RunBuilder {
  private final Algorithm algorithm;
  private final ImmutableAlgorithmSettings.Builder settings;
  /** The algorithm-specific settings given explicitly, so that build() can reject foreign ones. */
  private final Map<String, Object> given = new LinkedHashMap<>();
  private TrainablePolicy policy;
  private Policy reference;
  private RewardModel reward;
  private List<Prompt> prompts;

  RunBuilder(Algorithm algorithm, ImmutableAlgorithmSettings.Builder settings) {
    this.algorithm = algorithm;
    this.settings = settings.algorithm(algorithm);
  }

  /** The policy to train. */
  public RunBuilder policy(TrainablePolicy policy) {
    this.policy = policy;
    return this;
  }

  /**
   * The reference {@code π_ref}, which the caller keeps and closes; by default the policy's {@link
   * TrainablePolicy#referenceSnapshot()} taken at {@link #build()} (a snapshot, or the frozen base
   * of a LoRA policy), which the run owns and {@link BondRun#close() closes}.
   */
  public RunBuilder reference(Policy reference) {
    this.reference = reference;
    return this;
  }

  /** The reward model. */
  public RunBuilder reward(RewardModel reward) {
    this.reward = reward;
    return this;
  }

  /** The training prompts. */
  public RunBuilder prompts(List<Prompt> prompts) {
    this.prompts = prompts;
    return this;
  }

  /** {@code β} of the Jeffreys divergence (0 forward KL only, 1 backward KL only). */
  public RunBuilder beta(double beta) {
    given.put("beta", beta);
    settings.beta(beta);
    return this;
  }

  /** J-BOND's EMA anchor with rate {@code η} (the configuration key {@code eta}). */
  public RunBuilder eta(double eta) {
    given.put("eta", eta);
    settings.eta(eta).anchorEvery(0);
    return this;
  }

  /**
   * J-BOND's EMA anchor with rate {@code η}.
   *
   * @deprecated use {@link #eta(double)}, named as the configuration key is
   */
  @Deprecated
  public RunBuilder anchorEma(double eta) {
    return eta(eta);
  }

  /** An anchor copied from the policy every {@code steps} steps. */
  public RunBuilder anchorEvery(int steps) {
    given.put("anchorEvery", steps);
    settings.anchorEvery(steps);
    return this;
  }

  /** The N of Best-of-N. */
  public RunBuilder n(int n) {
    given.put("n", n);
    settings.n(n);
    return this;
  }

  /** Weight {@code γ} of the extra KL regulariser (J-BOND, iterative BOND). */
  public RunBuilder gamma(double gamma) {
    given.put("gamma", gamma);
    settings.gamma(gamma);
    return this;
  }

  /**
   * Weight {@code γ} of the extra KL regulariser.
   *
   * @deprecated use {@link #gamma(double)}, named as the configuration key is
   */
  @Deprecated
  public RunBuilder klRegularization(double gamma) {
    return gamma(gamma);
  }

  /** REINFORCE's KL coefficient {@code β_RL}. */
  public RunBuilder klCoefficient(double klCoefficient) {
    given.put("klCoefficient", klCoefficient);
    settings.klCoefficient(klCoefficient);
    return this;
  }

  /** REINFORCE's policy samples per prompt. */
  public RunBuilder samplesPerPrompt(int samples) {
    given.put("samplesPerPrompt", samples);
    settings.samplesPerPrompt(samples);
    return this;
  }

  /** Base samples per prompt of the Monte-Carlo quantile estimate. */
  public RunBuilder quantileSamples(int samples) {
    given.put("quantileSamples", samples);
    settings.quantileSamples(samples);
    return this;
  }

  /** Prompts per step. */
  public RunBuilder batchSize(int batchSize) {
    settings.batchSize(batchSize);
    return this;
  }

  /** Longest completion. */
  public RunBuilder maxNewTokens(int maxNewTokens) {
    settings.maxNewTokens(maxNewTokens);
    return this;
  }

  /** Steps of the run. */
  public RunBuilder steps(int steps) {
    settings.steps(steps);
    return this;
  }

  /** The run seed. */
  public RunBuilder seed(long seed) {
    settings.seed(seed);
    return this;
  }

  /** Steps between the reference's scoring passes for {@code kl/ref} (1: every step). */
  public RunBuilder referenceEvery(int every) {
    settings.referenceEvery(every);
    return this;
  }

  /** The Best-of-N tie rule. */
  public RunBuilder tieRule(TieRule rule) {
    settings.tieRule(rule);
    return this;
  }

  /** Validates every value and component and builds the run. */
  public BondRun build() {
    Problems problems = Problems.of("run")
        .check(policy != null, "policy", null, "a TrainablePolicy")
        .check(reward != null, "reward", null, "a RewardModel")
        .check(prompts != null && !prompts.isEmpty(), "prompts",
            prompts == null ? null : prompts.size(), "at least one prompt");
    algorithm.foreignSettings(given).forEach(problems::add);
    AlgorithmSettings built = null;
    try {
      built = settings.build();
    } catch (InvalidArgumentException e) {
      e.problems().forEach(problems::add);
    }
    problems.throwIfAny();
    return reference == null
        ? new BondRun(built, policy, policy.referenceSnapshot(), reward, prompts, true)
        : new BondRun(built, policy, reference, reward, prompts, false);
  }
}
