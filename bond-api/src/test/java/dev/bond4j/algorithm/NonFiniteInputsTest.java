package dev.bond4j.algorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.NumericalException;
import dev.bond4j.model.RewardModel;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A NaN or infinite reward or log-probability stops J-BOND, BOND and REINFORCE with a {@link
 * NumericalException} naming the step and the quantity, before the policy is updated.
 */
class NonFiniteInputsTest {
  private static final TokenSequence Y1 = TokenSequence.of(1);
  private static final TokenSequence Y2 = TokenSequence.of(2);
  private static final List<Prompt> PROMPTS = List.of(Prompt.of("a", TokenSequence.of(5)),
      Prompt.of("b", TokenSequence.of(6)));
  private static final TrainingSettings SETTINGS = TrainingSettings.builder().batchSize(2)
      .maxNewTokens(1).build();

  /** Rewards 1 and 2 by token, but {@code bad} for the second sequence scored. */
  private static RewardModel rewardWith(double bad) {
    return sequences -> {
      double[] rewards = sequences.stream().mapToDouble(s -> s.completion().get(0)).toArray();
      rewards[1] = bad;
      return rewards;
    };
  }

  /** Samples Y1, Y2 (the policy's turn), then Y1, Y2, Y2, Y1 (the EMA anchor's, itself). */
  private static ScriptedPolicy policy(double logProbOfY2) {
    return new ScriptedPolicy(Map.of(Y1, -1.0, Y2, logProbOfY2)).thenSample(Y1, Y2)
        .thenSample(Y1, Y2, Y2, Y1);
  }

  private static ScriptedPolicy reference() {
    return new ScriptedPolicy(Map.of(Y1, -1.0, Y2, -1.0)).thenSample(Y1, Y2, Y2, Y1);
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN})
  void aNonFiniteRewardStopsEveryTrainerBeforeTheUpdate(double bad) {
    ScriptedPolicy jBondPolicy = policy(-1.0);
    Trainer jBond = Algorithms.jBond(jBondPolicy, reference(), rewardWith(bad), PROMPTS, 0.5,
        0.1, 0, SETTINGS);
    assertThatThrownBy(jBond::step).isInstanceOf(NumericalException.class)
        .hasMessageContaining("Step 1: the reward of sequence 1 is " + bad);
    assertThat(jBondPolicy.updates).isEmpty();

    ScriptedPolicy reinforcePolicy = new ScriptedPolicy(Map.of(Y1, -1.0, Y2, -1.0))
        .thenSample(Y1, Y2, Y2, Y1);
    Trainer reinforce = Algorithms.reinforceLoo(reinforcePolicy, reference(), rewardWith(bad),
        PROMPTS, 2, 0.1, SETTINGS);
    assertThatThrownBy(reinforce::step).isInstanceOf(NumericalException.class)
        .hasMessageContaining("the reward of sequence 1 is " + bad);
    assertThat(reinforcePolicy.updates).isEmpty();
  }

  @Test
  void aNonFiniteLogProbabilityStopsTheRunBeforeTheUpdate() {
    ScriptedPolicy policy = policy(Double.NEGATIVE_INFINITY);
    Trainer jBond = Algorithms.jBond(policy, reference(), rewardWith(3), PROMPTS, 0.5, 0.1, 0,
        SETTINGS);
    assertThatThrownBy(jBond::step).isInstanceOf(NumericalException.class)
        .hasMessageContaining("the policy log-probability of sequence 1 is -Infinity");
    assertThat(policy.updates).isEmpty();

    ScriptedPolicy trained = new ScriptedPolicy(Map.of(Y1, -1.0, Y2, -1.0))
        .thenSample(Y1, Y2, Y2, Y1);
    ScriptedPolicy broken = new ScriptedPolicy(Map.of(Y1, -1.0, Y2, Double.NaN));
    Trainer reinforce = Algorithms.reinforceLoo(trained, broken, rewardWith(3), PROMPTS, 2, 0.1,
        SETTINGS);
    assertThatThrownBy(reinforce::step).isInstanceOf(NumericalException.class)
        .hasMessageContaining("the reference log-probability of sequence 1 is NaN");
    assertThat(trained.updates).isEmpty();
  }
}
