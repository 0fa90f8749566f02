package dev.bond4j.dsl;

import dev.bond4j.Problems;
import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.value.BondStyle;
import dev.bond4j.value.Prompt;
import java.util.List;
import org.immutables.value.Value;

/** The knobs of J-BOND (SPEC S7), whose N is 2, with the paper's defaults. */
@Value.Immutable
@BondStyle
public abstract non-sealed class JBondSettings implements AlgorithmSettings {
  /** {@code β} of the Jeffreys divergence, in [0, 1]. */
  @Value.Default
  public double beta() {
    return 0.5;
  }

  /** EMA rate {@code η} of the anchor, in [0, 1]. */
  @Value.Default
  public double eta() {
    return 0.02;
  }

  /** Weight {@code γ >= 0} of the extra KL regulariser. */
  @Value.Default
  public double gamma() {
    return 0.0;
  }

  /** Steps between anchor copies; {@code > 0} replaces the EMA anchor by a periodic one. */
  @Value.Default
  public int anchorEvery() {
    return 0;
  }

  @Override
  public Algorithm algorithm() {
    return Algorithm.JBOND;
  }

  @Override
  public Trainer trainer(TrainablePolicy policy, Policy reference, RewardModel reward,
      List<Prompt> prompts, TrainingSettings training) {
    return anchorEvery() > 0
        ? Algorithms.jBondPeriodic(policy, reference, reward, prompts, beta(), anchorEvery(),
            gamma(), training)
        : Algorithms.jBond(policy, reference, reward, prompts, beta(), eta(), gamma(), training);
  }

  /** A builder with the defaults. */
  public static ImmutableJBondSettings.Builder builder() {
    return ImmutableJBondSettings.builder();
  }

  @Value.Check
  protected void check() {
    Problems.of("settings").inClosed("beta", beta(), 0, 1).inClosed("eta", eta(), 0, 1)
        .nonNegative("gamma", gamma()).atLeast("anchorEvery", anchorEvery(), 0).throwIfAny();
  }
}
