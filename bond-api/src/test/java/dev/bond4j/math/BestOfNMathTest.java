package dev.bond4j.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.value.TokenSequence;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Worked examples and bad input for the Best-of-N mathematics. */
class BestOfNMathTest {

  @Test
  void worksTheTwoPointExampleByHand() {
    DiscreteBestOfN law = DiscreteBestOfN.of(new double[] {0.5, 0.5}, new double[] {0, 1});
    // Best-of-2 picks the better element unless both draws are the worse one: 1/4 vs 3/4.
    assertThat(law.law(2, TieRule.STRICT)).containsExactly(new double[] {0.25, 0.75}, within(1e-15));
    assertThat(law.correctionFactors(2)).containsExactly(new double[] {1.0, 1.5}, within(1e-15));
    assertThat(law.klFromBase(2, TieRule.STRICT))
        .isCloseTo(0.25 * Math.log(0.5) + 0.75 * Math.log(1.5), within(1e-15));
  }

  @Test
  void breaksStrictTiesByIndexAndUniformTiesEvenly() {
    DiscreteBestOfN law = DiscreteBestOfN.of(new double[] {0.5, 0.5}, new double[] {1, 1});
    assertThat(law.law(2, TieRule.STRICT)).containsExactly(new double[] {0.25, 0.75}, within(1e-15));
    assertThat(law.law(2, TieRule.UNIFORM)).containsExactly(new double[] {0.5, 0.5}, within(1e-15));
  }

  @Test
  void staysAccurateForLargeNAndTinyMasses() {
    double[] probs = {1 - 1e-12, 1e-12};
    DiscreteBestOfN law = DiscreteBestOfN.of(probs, new double[] {0, 1});
    // 1 − (1 − 1e-12)^1000 ≈ 1e-9; the naive difference of powers loses most digits here.
    assertThat(law.law(1000, TieRule.STRICT)[1]).isCloseTo(1e-9 - 4.995e-19, within(1e-21));
  }

  @Test
  void continuousLimitMatchesAFineUniformGrid() {
    int atoms = 20_000;
    double[] probs = new double[atoms];
    double[] rewards = new double[atoms];
    for (int i = 0; i < atoms; i++) {
      probs[i] = 1.0 / atoms;
      rewards[i] = i;
    }
    for (int n : new int[] {2, 4, 16}) {
      double discrete = DiscreteBestOfN.of(probs, rewards).klFromBase(n, TieRule.STRICT);
      assertThat(discrete).isCloseTo(ContinuousBestOfN.klFromBase(n), within(2e-3));
      // Continuous density integrates to 1 on [0, 1] with f = 1, F = u.
      double integral = 0;
      for (int i = 0; i < atoms; i++) {
        integral += ContinuousBestOfN.density(1, (i + 0.5) / atoms, n) / atoms;
      }
      assertThat(integral).isCloseTo(1.0, within(1e-6));
    }
  }

  @Test
  void effectiveNIsExactForContinuousBestOfN() {
    // p≤(Y) ~ Beta(N, 1) under Best-of-N of a continuous reward: E[log p≤] = −1/N.
    int n = 8;
    int steps = 200_000;
    double mean = 0;
    for (int i = 0; i < steps; i++) {
      double u = (i + 0.5) / steps;
      mean += ContinuousBestOfN.density(1, u, n) * Math.log(u) / steps;
    }
    assertThat(EffectiveN.fromMeanLogQuantile(mean)).isCloseTo(n, within(1e-3));
  }

  @Test
  void jBondRewardIsCalibratedAtTheMedian() {
    assertThat(JBondReward.expectation(0.5)).isCloseTo(Math.log(0.5), within(1e-15));
    assertThat(JBondReward.of(0, 1, 2)).isEqualTo(-Math.log(16));
    assertThat(JBondReward.of(1, 1, 2)).as("strict <: a tie is not a loss").isZero();
  }

  @Test
  void rejectsBadDistributionsNamingEveryProblem() {
    assertThatThrownBy(() -> DiscreteBestOfN.of(new double[] {0.5, -0.1, Double.NaN},
        new double[] {1, Double.NaN}))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("rewards.length = 2")
        .hasMessageContaining("probs[1] = -0.1")
        .hasMessageContaining("probs[2] = NaN")
        .hasMessageContaining("rewards[1] = NaN");
    assertThatThrownBy(() -> DiscreteBestOfN.of(new double[] {0.5, 0.4}, new double[] {1, 2}))
        .hasMessageContaining("sum(probs)").hasMessageContaining("1 within 1.0E-9");
    assertThatThrownBy(() -> DiscreteBestOfN.of(new double[0], new double[0]))
        .hasMessageContaining("probs.length = 0");
    DiscreteBestOfN law = DiscreteBestOfN.of(new double[] {1}, new double[] {0});
    assertThatThrownBy(() -> law.law(0, TieRule.STRICT))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("n = 0");
    assertThatThrownBy(() -> BondReward.beta(1)).hasMessageContaining("n = 1");
    assertThatThrownBy(() -> EffectiveN.fromMeanLogQuantile(0.0))
        .hasMessageContaining("meanLogQuantile");
  }

  @Test
  void selectorFollowsTheTieRules() {
    List<TokenSequence> candidates = List.of(TokenSequence.of(1), TokenSequence.of(3),
        TokenSequence.of(2), TokenSequence.of(0));
    double[] rewards = {5, 7, 7, 1};
    SplittableRandom random = new SplittableRandom(1);
    assertThat(BestOfNSelector.select(candidates, rewards, TieRule.STRICT, random)).isEqualTo(1);
    int[] picks = new int[4];
    for (int i = 0; i < 4000; i++) {
      picks[BestOfNSelector.select(candidates, rewards, TieRule.UNIFORM, random)]++;
    }
    assertThat(picks[0] + picks[3]).isZero();
    // Binomial(4000, 1/2): sd ≈ 31.6; 5 sd is a bound that a correct selector essentially never hits.
    assertThat(picks[1]).isBetween(2000 - 158, 2000 + 158);
    assertThatThrownBy(() -> BestOfNSelector.select(candidates, new double[] {Double.NaN, 1, 2, 3},
        TieRule.STRICT, random)).hasMessageContaining("rewards[0] = NaN");
  }
}
