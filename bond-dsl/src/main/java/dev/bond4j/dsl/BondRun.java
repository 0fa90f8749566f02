package dev.bond4j.dsl;

import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.algorithm.TwoSampleEstimate;
import dev.bond4j.divergence.Divergence;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.quantile.MonteCarloQuantileEstimator;
import dev.bond4j.value.Prompt;
import java.util.List;

/**
 * A fully specified training run: the validated {@link AlgorithmSettings} and the components it
 * trains with. It is immutable; {@link #toBuilder()} derives variants and {@link #trainer()}
 * starts training. A run owns its reference when it made it (the snapshot {@link
 * RunBuilder#build()} takes when no reference was given): {@link #close} frees it then, and
 * nothing else. A run derived by {@link #toBuilder()} shares that reference: close this run last.
 *
 * @param settings the algorithm and its knobs
 * @param policy the policy to train
 * @param reference the reference policy {@code π_ref}
 * @param reward the reward model
 * @param prompts the training prompts
 * @param ownsReference whether {@link #close} closes {@code reference}
 */
public record BondRun(AlgorithmSettings settings, TrainablePolicy policy, Policy reference,
    RewardModel reward, List<Prompt> prompts, boolean ownsReference) implements AutoCloseable {

  /** Copies the prompt list. */
  public BondRun {
    prompts = List.copyOf(prompts);
  }

  /** A run over a reference its caller owns (and closes). */
  public BondRun(AlgorithmSettings settings, TrainablePolicy policy, Policy reference,
      RewardModel reward, List<Prompt> prompts) {
    this(settings, policy, reference, reward, prompts, false);
  }

  /** Closes the reference when the run made it; the policy and reward stay open. */
  @Override
  public void close() {
    if (ownsReference) {
      reference.close();
    }
  }

  /** A builder holding this run. */
  public RunBuilder toBuilder() {
    return new RunBuilder(settings.algorithm(), settings.toBuilder()).policy(policy).reference(reference)
        .reward(reward).prompts(prompts);
  }

  /**
   * A trainer for this run. The anchor, when the algorithm has a moving one, starts at the
   * policy's parameters now. Every setting but {@code steps} joins the run's identity, so that a
   * resume with other settings is refused.
   */
  public Trainer trainer() {
    Trainer trainer = newTrainer();
    AlgorithmSettings s = settings;
    trainer.identity().put("settings.algorithm", s.algorithm().configName())
        .put("settings.beta", s.beta()).put("settings.eta", s.eta())
        .put("settings.gamma", s.gamma()).put("settings.anchorEvery", s.anchorEvery())
        .put("settings.n", s.n()).put("settings.quantileSamples", s.quantileSamples())
        .put("settings.klCoefficient", s.klCoefficient())
        .put("settings.samplesPerPrompt", s.samplesPerPrompt());
    return trainer;
  }

  private Trainer newTrainer() {
    AlgorithmSettings s = settings;
    TrainingSettings training = TrainingSettings.builder().batchSize(s.batchSize())
        .maxNewTokens(s.maxNewTokens()).seed(s.seed()).tieRule(s.tieRule())
        .referenceEvery(s.referenceEvery()).build();
    return switch (s.algorithm()) {
      case JBOND -> s.anchorEvery() > 0
          ? Algorithms.jBondPeriodic(policy, reference, reward, prompts, s.beta(),
              s.anchorEvery(), s.gamma(), training)
          : Algorithms.jBond(policy, reference, reward, prompts, s.beta(), s.eta(), s.gamma(),
              training);
      case BOND -> Algorithms.bond(policy, reference, reward, prompts, s.n(),
          Divergence.jeffreys(s.beta()), MonteCarloQuantileEstimator.smoothed(s.quantileSamples()),
          training);
      case ITERATIVE_BOND -> Algorithms.iterativeBond(policy, reference, reward, prompts, s.n(),
          s.anchorEvery(), Divergence.jeffreys(s.beta()), s.gamma(),
          MonteCarloQuantileEstimator.smoothed(s.quantileSamples()), training);
      case VBON -> Algorithms.vBoN(policy, reference, reward, prompts, s.n(),
          new TwoSampleEstimate(), training);
      case BON_SFT -> Algorithms.bestOfNSft(policy, reference, reward, prompts, s.n(), training);
      case REINFORCE -> Algorithms.reinforceLoo(policy, reference, reward, prompts,
          s.samplesPerPrompt(), s.klCoefficient(), training);
    };
  }
}
