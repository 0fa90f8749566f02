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

/** The knobs of BOND with a fixed N against the reference (SPEC S5). */
@Value.Immutable
@BondStyle
public abstract non-sealed class BondSettings implements AlgorithmSettings {
  /** The N of Best-of-N, {@code >= 2}. */
  @Value.Default
  public int n() {
    return 8;
  }

  /** {@code β} of the Jeffreys divergence, in [0, 1]. */
  @Value.Default
  public double beta() {
    return 0.5;
  }

  /** Base samples per prompt of the Monte-Carlo quantile estimate, {@code >= 1}. */
  @Value.Default
  public int quantileSamples() {
    return 8;
  }

  @Override
  public Algorithm algorithm() {
    return Algorithm.BOND;
  }

  @Override
  public Trainer trainer(TrainablePolicy policy, Policy reference, RewardModel reward,
      List<Prompt> prompts, TrainingSettings training) {
    return Algorithms.bond(policy, reference, reward, prompts, n(), Divergence.jeffreys(beta()),
        MonteCarloQuantileEstimator.smoothed(quantileSamples()), training);
  }

  /** A builder with the defaults. */
  public static ImmutableBondSettings.Builder builder() {
    return ImmutableBondSettings.builder();
  }

  @Value.Check
  protected void check() {
    Problems.of("settings").atLeast("n", n(), 2).inClosed("beta", beta(), 0, 1)
        .atLeast("quantileSamples", quantileSamples(), 1).throwIfAny();
  }
}
