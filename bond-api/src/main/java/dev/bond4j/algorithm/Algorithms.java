package dev.bond4j.algorithm;

import dev.bond4j.anchor.Anchor;
import dev.bond4j.divergence.Divergence;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.quantile.QuantileEstimator;
import dev.bond4j.value.Prompt;
import java.util.List;

/**
 * One factory per algorithm of the paper and its baselines, each a preset of {@link BondConfig} or
 * {@link ReinforceConfig}. The fluent DSL builds on these; use {@code toBuilder()} on a trainer's
 * config to adjust anything else.
 */
public final class Algorithms {
  private Algorithms() {}

  /**
   * J-BOND (SPEC S7, Algorithm 2): {@code N = 2}, the two-sample reward {@code r_J}, an EMA anchor
   * with rate {@code eta} starting at the policy's current parameters, and the optional
   * {@code γ} regulariser.
   */
  public static BondTrainer jBond(TrainablePolicy policy, Policy reference, RewardModel reward,
      List<Prompt> prompts, double beta, double eta, double gamma, TrainingSettings settings) {
    return new BondTrainer(BondConfig.builder().policy(policy).reference(reference).reward(reward)
        .prompts(prompts).anchor(Anchor.ema(policy, eta)).estimate(new TwoSampleEstimate()).n(2)
        .divergence(Divergence.jeffreys(beta)).gamma(gamma).settings(settings).build());
  }

  /** J-BOND with a periodic anchor copied every {@code every} steps (the App. B.4 ablation). */
  public static BondTrainer jBondPeriodic(TrainablePolicy policy, Policy reference,
      RewardModel reward, List<Prompt> prompts, double beta, int every, double gamma,
      TrainingSettings settings) {
    return new BondTrainer(BondConfig.builder().policy(policy).reference(reference).reward(reward)
        .prompts(prompts).anchor(Anchor.periodic(policy, every))
        .estimate(new TwoSampleEstimate()).n(2).divergence(Divergence.jeffreys(beta))
        .gamma(gamma).settings(settings).build());
  }

  /**
   * BOND with a fixed {@code N} against the fixed reference (SPEC S5), the BOND reward estimated
   * as {@code log p̂≤} by {@code estimator}.
   */
  public static BondTrainer bond(TrainablePolicy policy, Policy reference, RewardModel reward,
      List<Prompt> prompts, int n, Divergence divergence, QuantileEstimator estimator,
      TrainingSettings settings) {
    return new BondTrainer(BondConfig.builder().policy(policy).reference(reference).reward(reward)
        .prompts(prompts).anchor(Anchor.fixed(reference))
        .estimate(new LogQuantileEstimate(estimator)).n(n).divergence(divergence)
        .settings(settings).build());
  }

  /**
   * Iterative BOND (SPEC S6, Algorithm 1): BOND with a small {@code n} against an anchor that is
   * set to the policy every {@code every} steps. The estimator must estimate quantiles against
   * the moving anchor (a Monte-Carlo estimator does, since it is fed anchor samples).
   */
  public static BondTrainer iterativeBond(TrainablePolicy policy, Policy reference,
      RewardModel reward, List<Prompt> prompts, int n, int every, Divergence divergence,
      QuantileEstimator estimator, TrainingSettings settings) {
    return iterativeBond(policy, reference, reward, prompts, n, every, divergence, 0.0, estimator,
        settings);
  }

  /** Iterative BOND with the extra {@code KL(π || π_anc)} regulariser of weight {@code gamma}. */
  public static BondTrainer iterativeBond(TrainablePolicy policy, Policy reference,
      RewardModel reward, List<Prompt> prompts, int n, int every, Divergence divergence,
      double gamma, QuantileEstimator estimator, TrainingSettings settings) {
    return new BondTrainer(BondConfig.builder().policy(policy).reference(reference).reward(reward)
        .prompts(prompts).anchor(Anchor.periodic(policy, every))
        .estimate(new LogQuantileEstimate(estimator)).n(n).divergence(divergence).gamma(gamma)
        .settings(settings).build());
  }

  /**
   * vBoN (App. A.5): the backward KL only ({@code β = 1}) against Best-of-{@code n} of the fixed
   * reference, with {@code r̂_BOND} from {@code estimate} (the paper uses the two-sample
   * {@link TwoSampleEstimate}).
   */
  public static BondTrainer vBoN(TrainablePolicy policy, Policy reference, RewardModel reward,
      List<Prompt> prompts, int n, BondRewardEstimate estimate, TrainingSettings settings) {
    return new BondTrainer(BondConfig.builder().policy(policy).reference(reference).reward(reward)
        .prompts(prompts).anchor(Anchor.fixed(reference)).estimate(estimate).n(n)
        .divergence(Divergence.backwardKl()).settings(settings).build());
  }

  /**
   * Best-of-N SFT (RAFT): the forward KL only ({@code β = 0}), maximum likelihood on
   * Best-of-{@code n} samples of the fixed reference. The two-sample estimate only feeds metrics.
   */
  public static BondTrainer bestOfNSft(TrainablePolicy policy, Policy reference,
      RewardModel reward, List<Prompt> prompts, int n, TrainingSettings settings) {
    return new BondTrainer(BondConfig.builder().policy(policy).reference(reference).reward(reward)
        .prompts(prompts).anchor(Anchor.fixed(reference)).estimate(new TwoSampleEstimate()).n(n)
        .divergence(Divergence.forwardKl()).settings(settings).build());
  }

  /** Standard RLHF: REINFORCE with leave-one-out over {@code k} samples and KL coefficient. */
  public static ReinforceTrainer reinforceLoo(TrainablePolicy policy, Policy reference,
      RewardModel reward, List<Prompt> prompts, int k, double klCoefficient,
      TrainingSettings settings) {
    return new ReinforceTrainer(ReinforceConfig.builder().policy(policy).reference(reference)
        .reward(reward).prompts(prompts).samplesPerPrompt(k).klCoefficient(klCoefficient)
        .settings(settings).build());
  }
}
