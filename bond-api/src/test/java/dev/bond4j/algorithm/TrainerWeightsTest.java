package dev.bond4j.algorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.NumericalException;
import dev.bond4j.anchor.Anchor;
import dev.bond4j.divergence.Divergence;
import dev.bond4j.model.RewardModel;
import dev.bond4j.quantile.MonteCarloQuantileEstimator;
import dev.bond4j.random.Seeds;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.StepReport;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The weights each trainer hands the optimizer, against SPEC S5, S7 and S8 computed by hand on a
 * scripted batch. A sign error in any term (forward, backward, baseline, regulariser), a missing
 * {@code N−1} factor or a wrong average makes one of these fail.
 */
class TrainerWeightsTest {
  private static final TokenSequence Y1 = TokenSequence.of(1);
  private static final TokenSequence Y2 = TokenSequence.of(2);
  private static final TokenSequence Y3 = TokenSequence.of(3);
  private static final TokenSequence Y4 = TokenSequence.of(4);
  /** The reward of a one-token completion is its token id. */
  private static final RewardModel REWARD =
      sequences -> sequences.stream().mapToDouble(s -> s.completion().get(0)).toArray();
  private static final List<Prompt> PROMPTS = visitedInOrder(Prompt.of("a", TokenSequence.of(5)),
      Prompt.of("b", TokenSequence.of(6)));
  private static final Prompt A = PROMPTS.get(PROMPTS.get(0).id().equals("a") ? 0 : 1);
  private static final Prompt B = PROMPTS.get(PROMPTS.get(0).id().equals("a") ? 1 : 0);
  private static final double LOG16 = Math.log(16);

  /**
   * The two prompts listed so that the first step (seed 0) visits {@code first} then {@code
   * second}: the scripts below are written in that order.
   */
  private static List<Prompt> visitedInOrder(Prompt first, Prompt second) {
    List<Prompt> listed = List.of(first, second);
    List<Prompt> visited = new PromptOrder(listed, 2, new Seeds(0)).batch(1);
    List<Prompt> result = visited.get(0).equals(first) ? listed : List.of(second, first);
    assertThat(new PromptOrder(result, 2, new Seeds(0)).batch(1)).containsExactly(first, second);
    return result;
  }

  /** Same sequences in the same order, weights equal within rounding. */
  private static void assertSameBatch(List<WeightedSequence> actual, WeightedSequence... expected) {
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual.get(i).prompt()).isEqualTo(expected[i].prompt());
      assertThat(actual.get(i).completion()).isEqualTo(expected[i].completion());
      assertThat(actual.get(i).weight()).isCloseTo(expected[i].weight(), within(1e-12));
    }
  }

  private static TrainingSettings batchOfTwo() {
    return TrainingSettings.builder().batchSize(2).maxNewTokens(1).build();
  }

  /** Weight of {@code y} for prompt {@code prompt} in the recorded batch, summed over entries. */
  private static double weight(List<WeightedSequence> batch, String prompt, TokenSequence y) {
    return batch.stream().filter(w -> w.prompt().id().equals(prompt) && w.completion().equals(y))
        .mapToDouble(WeightedSequence::weight).sum();
  }

  @Test
  void jBondWeighsForwardBackwardBaselineAndRegulariserAsSpecified() {
    ScriptedPolicy policy = new ScriptedPolicy(Map.of(Y1, -1.0, Y2, -2.0, Y3, -0.7, Y4, -3.0))
        .thenSample(Y1, Y2);
    ScriptedPolicy anchor = new ScriptedPolicy(Map.of(Y1, -1.5, Y2, -1.0, Y3, -0.2, Y4, -0.1))
        .thenSample(Y2, Y3, Y1, Y3);
    double beta = 0.5;
    double gamma = 0.3;
    BondTrainer trainer = new BondTrainer(BondConfig.builder().policy(policy).reference(anchor)
        .reward(REWARD).prompts(PROMPTS).anchor(Anchor.fixed(anchor))
        .estimate(new TwoSampleEstimate()).n(2).divergence(Divergence.jeffreys(beta)).gamma(gamma)
        .settings(batchOfTwo()).build());
    StepReport report = trainer.step();
    List<WeightedSequence> batch = policy.updates.get(0);
    // Prompt a: y = [1] is worse than both anchor samples [2], [3]: r_J = −log 16; Bo2 = [3].
    // Prompt b: y = [2] beats anchor sample [1]: r_J = 0; Bo2 = [3].
    double r0 = -LOG16 - (-1.0 - -1.5);
    double r1 = 0 - (-2.0 - -1.0);
    double expectedA = beta * (r0 - r1) / 2 - gamma * 0.5 / 2;
    double expectedB = beta * (r1 - r0) / 2 - gamma * -1.0 / 2;
    assertThat(weight(batch, "a", Y1)).isCloseTo(expectedA, within(1e-12));
    assertThat(weight(batch, "b", Y2)).isCloseTo(expectedB, within(1e-12));
    assertThat(weight(batch, "a", Y3)).isCloseTo((1 - beta) / 2, within(1e-12));
    assertThat(weight(batch, "b", Y3)).isCloseTo((1 - beta) / 2, within(1e-12));
    assertThat(batch).hasSize(4);
    assertThat(report.require(Metrics.R_J_MEAN)).isCloseTo(-LOG16 / 2, within(1e-12));
    assertThat(report.require(Metrics.R_J_WORSE)).isEqualTo(0.5);
    assertThat(report.require(Metrics.KL_ANCHOR)).isCloseTo((0.5 - 1.0) / 2, within(1e-12));
    assertThat(report.require(Metrics.LOGPROB_BON)).isCloseTo(-0.7, within(1e-12));
    assertThat(report.require(Metrics.LOSS_FORWARD)).isCloseTo(0.25 * 0.7 * 2, within(1e-12));
  }

  @Test
  void bondKeepsTheNMinusOneFactorAndTheLogQuantileReward() {
    ScriptedPolicy policy = new ScriptedPolicy(Map.of(Y1, -1.0, Y2, -2.0, Y3, -0.5, Y4, -0.25))
        .thenSample(Y2, Y3);
    // Four anchor samples per prompt: the first N = 4 give the Best-of-4, and all feed p̂≤.
    ScriptedPolicy anchor = new ScriptedPolicy(Map.of(Y1, -1.0, Y2, -1.0, Y3, -2.0, Y4, -1.2))
        .thenSample(Y1, Y1, Y3, Y4, Y2, Y2, Y2, Y1);
    int n = 4;
    BondTrainer trainer = new BondTrainer(BondConfig.builder().policy(policy).reference(anchor)
        .reward(REWARD).prompts(PROMPTS).anchor(Anchor.fixed(anchor))
        .estimate(new LogQuantileEstimate(MonteCarloQuantileEstimator.smoothed(4))).n(n)
        .divergence(Divergence.backwardKl()).settings(batchOfTwo()).build());
    trainer.step();
    List<WeightedSequence> batch = policy.updates.get(0);
    // Prompt a: y = [2] against {1, 1, 3, 4}: p̂≤ = (1 + 2) / 5. Prompt b: y = [3] against
    // {2, 2, 2, 1}: p̂≤ = (1 + 4) / 5 = 1.
    double ra = Math.log(3.0 / 5) - (-2.0 - -1.0) / (n - 1);
    double rb = Math.log(1.0) - (-0.5 - -2.0) / (n - 1);
    assertThat(weight(batch, "a", Y2)).isCloseTo((n - 1) * (ra - rb) / 2,
        within(1e-12));
    assertThat(weight(batch, "b", Y3)).isCloseTo((n - 1) * (rb - ra) / 2,
        within(1e-12));
    assertThat(batch).as("beta = 1: no forward term").hasSize(2);
  }

  @Test
  void bestOfNSftIsMaximumLikelihoodOnTheBestAnchorSample() {
    ScriptedPolicy policy = new ScriptedPolicy(Map.of(Y1, -1.0, Y2, -2.0, Y3, -0.5, Y4, -0.25))
        .thenSample(Y1, Y1);
    ScriptedPolicy anchor = new ScriptedPolicy(Map.of(Y1, -1.0, Y2, -1.0, Y3, -2.0, Y4, -1.2))
        .thenSample(Y1, Y4, Y2, Y3, Y2, Y1);
    BondTrainer trainer = Algorithms.bestOfNSft(policy, anchor, REWARD, PROMPTS, 3, batchOfTwo());
    trainer.step();
    List<WeightedSequence> batch = policy.updates.get(0);
    assertSameBatch(batch,WeightedSequence.of(A, Y4, 0.5),
        WeightedSequence.of(B, Y3, 0.5));
  }

  @Test
  void reinforceUsesLeaveOneOutWithinThePromptAndTheKlPenalty() {
    ScriptedPolicy policy = new ScriptedPolicy(Map.of(Y1, -1.0, Y2, -2.0, Y3, -0.5, Y4, -0.25))
        .thenSample(Y1, Y4, Y2, Y3);
    ScriptedPolicy reference = new ScriptedPolicy(Map.of(Y1, -2.0, Y2, -1.0, Y3, -1.0, Y4,
        -1.0));
    double klCoefficient = 0.1;
    ReinforceTrainer trainer = Algorithms.reinforceLoo(policy, reference, REWARD, PROMPTS, 2,
        klCoefficient, batchOfTwo());
    trainer.step();
    List<WeightedSequence> batch = policy.updates.get(0);
    double r1 = 1 - klCoefficient * (-1.0 - -2.0);
    double r4 = 4 - klCoefficient * (-0.25 - -1.0);
    double r2 = 2 - klCoefficient * (-2.0 - -1.0);
    double r3 = 3 - klCoefficient * (-0.5 - -1.0);
    assertSameBatch(batch,
        WeightedSequence.of(A, Y1, (r1 - r4) / 4),
        WeightedSequence.of(A, Y4, (r4 - r1) / 4),
        WeightedSequence.of(B, Y2, (r2 - r3) / 4),
        WeightedSequence.of(B, Y3, (r3 - r2) / 4));
  }

  @Test
  void guardStopsAtTheFirstNonFiniteLogProbabilityBeforeTheUpdate() {
    ScriptedPolicy policy = new ScriptedPolicy(Map.of(Y1, -1.0, Y2, -2.0, Y3, -0.7, Y4, -3.0))
        .thenSample(Y1, Y2);
    ScriptedPolicy anchor = new ScriptedPolicy(Map.of(Y1, Double.NEGATIVE_INFINITY, Y2, -1.0, Y3,
        -0.2, Y4, -0.1)).thenSample(Y2, Y3, Y1, Y3);
    BondTrainer trainer = new BondTrainer(BondConfig.builder().policy(policy).reference(anchor)
        .reward(REWARD).prompts(PROMPTS).anchor(Anchor.fixed(anchor))
        .estimate(new TwoSampleEstimate()).n(2).settings(batchOfTwo()).build());
    assertThatThrownBy(trainer::step).isInstanceOf(NumericalException.class)
        .hasMessageContaining("Step 1").hasMessageContaining("anchor log-probability of sequence 0");
    assertThat(policy.updates).isEmpty();
  }

  @Test
  void configurationReportsEveryProblemAtOnce() {
    ScriptedPolicy policy = new ScriptedPolicy(Map.of());
    assertThatThrownBy(() -> BondConfig.builder().policy(policy).reference(policy).reward(REWARD)
        .anchor(Anchor.fixed(policy)).estimate(new TwoSampleEstimate()).n(1).gamma(-1).build())
        .hasMessageContaining("n = 1").hasMessageContaining("gamma = -1.0")
        .hasMessageContaining("prompts = 0");
    assertThatThrownBy(() -> Divergence.jeffreys(1.5)).hasMessageContaining("beta = 1.5");
    assertThatThrownBy(() -> Anchor.ema(policy, -0.1)).hasMessageContaining("eta = -0.1");
  }

  @Test
  void noSignalWarningCountsBatchesWithTiedRewards() {
    NoSignalWarning warning = new NoSignalWarning();
    warning.onStep(StepReport.builder().step(1).putMetrics(Metrics.REWARD_STD, 0.0)
        .putMetrics(Metrics.REWARD_ANCHOR_STD, 0.0).build());
    warning.onStep(StepReport.builder().step(2).putMetrics(Metrics.REWARD_STD, 0.5).build());
    assertThat(warning.silentSteps()).isEqualTo(1);
  }
}
