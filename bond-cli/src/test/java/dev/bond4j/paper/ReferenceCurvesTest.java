package dev.bond4j.paper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.testbed.ExactMetrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The exact Best-of-N curve and KL-regularised frontier of the claims' testbed. */
class ReferenceCurvesTest {
  private static PaperTestbed testbed;
  private static ReferenceCurves curves;

  @BeforeAll
  static void build() {
    testbed = PaperTestbed.standard(1, 0.01);
    curves = new ReferenceCurves(testbed);
  }

  @Test
  void bestOfOneIsTheReference() {
    ExactMetrics one = curves.bestOfN(1);
    assertThat(one.klFromReference()).isCloseTo(0, within(1e-12));
    assertThat(one.winRate()).isCloseTo(0.5, within(1e-9));
    assertThat(curves.bestOfNRewardAt(0)).isCloseTo(one.expectedReward(), within(1e-12));
  }

  @Test
  void bestOfNGainsRewardAndKlWithNAndLiesBelowTheFrontier() {
    for (int n = 2; n <= ReferenceCurves.MAX_N; n *= 2) {
      ExactMetrics m = curves.bestOfN(n);
      assertThat(m.klFromReference()).isGreaterThan(curves.bestOfN(n / 2).klFromReference());
      assertThat(m.expectedReward()).isGreaterThan(curves.bestOfN(n / 2).expectedReward());
      // KL(Bo_N || pi_ref) <= log N - (N-1)/N, with equality for continuous rewards.
      assertThat(m.klFromReference()).isLessThanOrEqualTo(Math.log(n) - (n - 1.0) / n + 1e-9);
      // The tilt maximises reward at its KL: Best-of-N lies below it.
      assertThat(curves.frontierRewardAt(m.klFromReference()))
          .isGreaterThan(m.expectedReward());
    }
  }

  @Test
  void aRunOnTheCurveHasNoShortfall() {
    int points = 8;
    double[] steps = new double[points];
    double[] kl = new double[points];
    double[] reward = new double[points];
    for (int i = 0; i < points; i++) {
      steps[i] = i;
      kl[i] = curves.bestOfN(1 << i).klFromReference();
      reward[i] = curves.bestOfN(1 << i).expectedReward();
    }
    double[] zero = new double[points];
    Curve onCurve = new Curve("on", steps, reward, kl, zero, zero, zero);
    assertThat(curves.shortfallBelowBestOfN(onCurve)).isCloseTo(0, within(1e-12));
    assertThat(curves.shortfallBelowFrontier(onCurve)).isPositive();
    double[] lower = reward.clone();
    for (int i = 0; i < points; i++) {
      lower[i] -= 0.1;
    }
    Curve below = new Curve("below", steps, lower, kl, zero, zero, zero);
    assertThat(curves.shortfallBelowBestOfN(below)).isCloseTo(0.1, within(1e-12));
  }
}
