package dev.bond4j.algorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.math.TieRule;
import dev.bond4j.testbed.ExactEvaluator;
import dev.bond4j.testbed.ExactMetrics;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.testbed.TabularSnapshot;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sampling evaluator agrees with the exact one on the testbed, within its own noise. */
class MonteCarloEvaluatorTest {
  private final SequenceSpace space = SequenceSpace.of(5, 0, 3);
  private final TabularReward reward = TabularReward.of(space, 2,
      (c, y) -> y.length() + 0.01 * y.get(0) + 0.37 * c * y.last());
  private final List<Prompt> prompts = List.of(TabularPolicy.prompt(0), TabularPolicy.prompt(1));

  @Test
  void agreesWithExactEvaluation() {
    TabularSnapshot reference = TabularPolicy.random(space, 2, 1.0, 1,
        OptimizerSettings.defaults()).snapshot();
    TabularSnapshot policy = TabularPolicy.random(space, 2, 1.5, 2,
        OptimizerSettings.defaults()).snapshot();
    int samples = 4000;
    Evaluation sampled = new MonteCarloEvaluator(reference, reward, samples, 64, 3)
        .evaluate(policy, prompts, 5);
    ExactMetrics exact = new ExactEvaluator(reference, reward, 2, TieRule.UNIFORM)
        .evaluate(policy);
    // Rewards lie in [0, 4.2]: a standard error of at most 2.1 / sqrt(8000) ≈ 0.024; 5 of them.
    assertThat(sampled.reward()).isCloseTo(exact.expectedReward(), within(0.12));
    // KL estimate: per-sample log-ratios are bounded by about 10 here: 5 standard errors ≈ 0.4.
    assertThat(sampled.klFromReference()).isCloseTo(exact.klFromReference(), within(0.4));
    // Win rate against 64 reference samples per prompt: variance at most 1/4 per sample pair.
    assertThat(sampled.winRate()).isCloseTo(exact.winRate(), within(0.05));
    assertThat(sampled.samples()).isEqualTo(2 * samples);
  }

  @Test
  void theReferenceAgainstItselfHasNoKlAndEvenOdds() {
    TabularSnapshot reference = TabularPolicy.random(space, 2, 1.0, 1,
        OptimizerSettings.defaults()).snapshot();
    Evaluation e = new MonteCarloEvaluator(reference, reward, 2000, 64, 3)
        .evaluate(reference, prompts, 9);
    assertThat(e.klFromReference()).isZero();
    assertThat(e.winRate()).isCloseTo(0.5, within(0.05));
    assertThat(e.effectiveN()).isEqualTo(-1 / e.meanLogQuantile());
  }
}
