package dev.bond4j.dsl;

import dev.bond4j.Problems;
import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.divergence.Divergence;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.quantile.MonteCarloQuantileEstimator;
import dev.bond4j.value.BondStyle;
import dev.bond4j.value.Prompt;
import java.util.List;
import org.immutables.value.Value;

/**
 * The knobs of iterative BOND (SPEC S6): a small N against an anchor copied from the policy every
 * {@code anchorEvery} steps, which has no default.
 */
@Value.Immutable
@BondStyle
public abstract non-sealed class IterativeBondSettings implements AlgorithmSettings {
  /** The N of Best-of-N against the anchor, {@code >= 2}. */
  @Value.Default
  public int n() {
    return 2;
  }

  /** Steps between anchor copies, {@code >= 1}; required. */
  @Value.Default
  public int anchorEvery() {
    return 0;
  }

  /** {@code β} of the Jeffreys divergence, in [0, 1]. */
  @Value.Default
  public double beta() {
    return 0.5;
  }

  /** Weight {@code γ >= 0} of the extra {@code KL(π || π_anc)} regulariser. */
  @Value.Default
  public double gamma() {
    return 0.0;
  }

  /** Base samples per prompt of the Monte-Carlo quantile estimate, {@code >= 1}. */
  @Value.Default
  public int quantileSamples() {
    return 8;
  }

  @Override
  public Algorithm algorithm() {
    return Algorithm.ITERATIVE_BOND;
  }

  @Override
  public Trainer trainer(TrainablePolicy policy, Policy reference, RewardModel reward,
      List<Prompt> prompts, TrainingSettings training) {
    return Algorithms.iterativeBond(policy, reference, reward, prompts, n(), anchorEvery(),
        Divergence.jeffreys(beta()), gamma(),
        MonteCarloQuantileEstimator.smoothed(quantileSamples()), training);
  }

  /** A builder with the defaults. */
  public static ImmutableIterativeBondSettings.Builder builder() {
    return ImmutableIterativeBondSettings.builder();
  }

  @Value.Check
  protected void check() {
    Problems.of("settings").atLeast("n", n(), 2).atLeast("anchorEvery", anchorEvery(), 1)
        .inClosed("beta", beta(), 0, 1).nonNegative("gamma", gamma())
        .atLeast("quantileSamples", quantileSamples(), 1).throwIfAny();
  }
}
