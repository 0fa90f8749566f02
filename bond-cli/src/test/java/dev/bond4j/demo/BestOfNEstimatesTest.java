package dev.bond4j.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.math.DiscreteBestOfN;
import dev.bond4j.math.TieRule;
import dev.bond4j.paper.Curve;
import dev.bond4j.testbed.ExactEvaluator;
import dev.bond4j.testbed.ExactMetrics;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.testbed.TabularSnapshot;
import dev.bond4j.value.OptimizerSettings;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The neural section's Monte-Carlo estimates, held against exact enumeration on a small tabular
 * policy where both can be computed.
 */
class BestOfNEstimatesTest {
  private static final SequenceSpace SPACE = SequenceSpace.of(4, 0, 3);
  private static final int N = 4;

  @Test
  void monteCarloKlsToBestOfNMatchEnumeration() {
    TabularSnapshot reference = TabularPolicy.random(SPACE, 1, 1.0, 3,
        OptimizerSettings.defaults()).snapshot();
    // Three reward levels: ties, so the uniform tie-breaking law is what is estimated.
    SplittableRandom random = new SplittableRandom(5);
    TabularReward reward = TabularReward.of(SPACE, 1, (c, y) -> random.nextInt(3));
    TabularPolicy policy = TabularPolicy.random(SPACE, 1, 1.0, 4, OptimizerSettings.defaults());
    BestOfNEstimates estimates = new BestOfNEstimates(reference, reward,
        List.of(TabularPolicy.prompt(0)), N, 20_000, 20_000, SPACE.maxLength(), 9);
    double[] mc = estimates.evaluate(policy, 10);
    ExactMetrics exact = new ExactEvaluator(reference, reward, N, TieRule.UNIFORM)
        .evaluate(policy);
    assertThat(mc[0]).isCloseTo(exact.expectedReward(), within(0.03));
    assertThat(mc[1]).isCloseTo(exact.klFromReference(), within(0.05));
    assertThat(mc[2]).isCloseTo(exact.klToBestOfN(), within(0.05));
    assertThat(mc[3]).isCloseTo(exact.klFromBestOfN(), within(0.05));
    // Planted error: the law of another N is far off.
    ExactMetrics other = new ExactEvaluator(reference, reward, 2 * N, TieRule.UNIFORM)
        .evaluate(policy);
    assertThat(Math.abs(mc[2] - other.klToBestOfN())).isGreaterThan(0.2);

    double[][] curve = estimates.curve();
    DiscreteBestOfN law = DiscreteBestOfN.of(reference.distribution(0), reward.rewards(0));
    double[] bon = law.law(N, TieRule.UNIFORM);
    double bonReward = 0;
    for (int i = 0; i < bon.length; i++) {
      bonReward += bon[i] * reward.rewards(0)[i];
    }
    assertThat(curve[1][N - 1]).isCloseTo(bonReward, within(0.03));
    // By reward level, KL(Bo_N || ref) of the level distribution (sequences within a level keep
    // their reference proportions, so the sequence-level KL is the same).
    assertThat(curve[0][N - 1]).isCloseTo(law.klFromBase(N, TieRule.UNIFORM), within(0.03));
    assertThat(curve[0][0]).isCloseTo(0, within(1e-12));
  }

  @Test
  void shortfallIsTheCurveMinusTheRunAtTheRunsKl() {
    double[][] curve = {{0, 1, 2}, {0, 1, 1.5}};
    double[] zero = new double[3];
    Curve run = new Curve("run", new double[] {0, 1, 2}, new double[] {0, 0.5, 1},
        new double[] {0, 0.5, 3}, zero, zero, zero);
    // At KL 0.5 the curve is at 0.5, so the shortfall there is 0; KL 3 lies beyond the curve.
    assertThat(NeuralClaims.shortfall(run, curve)).isCloseTo(0.0, within(1e-12));
  }
}
