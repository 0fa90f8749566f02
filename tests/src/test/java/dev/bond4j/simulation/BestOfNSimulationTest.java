package dev.bond4j.simulation;

import static dev.bond4j.testkit.BondAssertions.assertThat;
import static dev.bond4j.testkit.BondAssertions.assertThatThrownBy;

import dev.bond4j.algorithm.BestOfNSampler;
import dev.bond4j.math.DiscreteBestOfN;
import dev.bond4j.math.TieRule;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.testbed.TabularSnapshot;
import dev.bond4j.testkit.Samples;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.Rollout;
import dev.bond4j.value.SamplingSettings;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Claim C1 (Theorem 1): frequencies of real Best-of-N sampling (draw N sequences from a tabular
 * policy, score them, keep the best) match the exact law, for N = 2, 4, 16 and both tie rules, on
 * a reward with many ties. The significance level and sample size are fixed here, before any run:
 * each case rejects a correct law with probability 0.001, so all six together falsely fail with
 * probability below 0.6%; the seeds are fixed, so a run is reproducible.
 */
class BestOfNSimulationTest {
  private static final double SIGNIFICANCE = 0.001;
  private static final int DRAWS = 30_000;

  private static final SequenceSpace SPACE = SequenceSpace.of(4, 0, 3);
  private static final TabularSnapshot REFERENCE = TabularPolicy
      .random(SPACE, 1, 1.0, 2024, OptimizerSettings.defaults()).snapshot();
  /** Three reward levels over 40 sequences: every level is a large tie class. */
  private static final TabularReward REWARD = TabularReward.randomLevels(SPACE, 1, 3, 77);

  static List<Arguments> cases() {
    return List.of(Arguments.of(2, TieRule.STRICT), Arguments.of(4, TieRule.STRICT),
        Arguments.of(16, TieRule.STRICT), Arguments.of(2, TieRule.UNIFORM),
        Arguments.of(4, TieRule.UNIFORM), Arguments.of(16, TieRule.UNIFORM));
  }

  private static Samples simulate(int n, TieRule rule, long seed) {
    BestOfNSampler sampler = new BestOfNSampler(REFERENCE, REWARD, n, rule,
        SamplingSettings.training(SPACE.maxLength()));
    List<Prompt> prompts = Collections.nCopies(DRAWS, TabularPolicy.prompt(0));
    return Samples.of(sampler.sample(prompts, seed).stream().map(Rollout::completion).toList(),
        SPACE);
  }

  private static double[] exactLaw(int n, TieRule rule) {
    return DiscreteBestOfN.of(REFERENCE.distribution(0), REWARD.rewards(0)).law(n, rule);
  }

  @ParameterizedTest(name = "N = {0}, {1}")
  @MethodSource("cases")
  void simulatedBestOfNMatchesTheExactLaw(int n, TieRule rule) {
    assertThat(simulate(n, rule, 1000L + n)).followLaw(exactLaw(n, rule), SIGNIFICANCE);
  }

  /** The test has power: samples under one tie rule are rejected against the other rule's law. */
  @Test
  void detectsTheWrongTieRule() {
    Samples strict = simulate(4, TieRule.STRICT, 5);
    assertThatThrownBy(() -> assertThat(strict).followLaw(exactLaw(4, TieRule.UNIFORM),
        SIGNIFICANCE)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("Pearson chi-square at α = 0.001");
  }
}
