package dev.bond4j.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.testkit.BestOfNArbitraries;
import dev.bond4j.testkit.RewardedDistribution;
import java.util.function.DoubleUnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of the BOND reward (SPEC S3) and the J-BOND reward (SPEC S7.3, App. A.4). */
class BondRewardProperties {

  @Provide
  Arbitrary<RewardedDistribution> bases() {
    return BestOfNArbitraries.rewardedDistributions();
  }

  @Provide
  Arbitrary<DoubleUnaryOperator> increasing() {
    return Arbitraries.of(
        r -> Math.exp(r),
        r -> r * r * r + 2 * r,
        r -> 5 * r - 3,
        r -> Math.atan(r / 3),
        r -> r + 1e6);
  }

  private static double[] rBond(DiscreteBestOfN law, int n) {
    double[] atMost = law.quantile(TieRule.STRICT);
    double[] correction = law.correctionFactors(n);
    double[] out = new double[atMost.length];
    for (int y = 0; y < out.length; y++) {
      out[y] = BondReward.exact(atMost[y], correction[y], n);
    }
    return out;
  }

  /** r_BOND depends on ranks only: any strictly increasing transform of r leaves it unchanged. */
  @Property(tries = 1000)
  void rBondIsInvariantUnderIncreasingTransforms(@ForAll("bases") RewardedDistribution base,
      @ForAll("increasing") DoubleUnaryOperator transform,
      @ForAll @IntRange(min = 2, max = 32) int n) {
    double[] transformed = base.rewards().clone();
    for (int i = 0; i < transformed.length; i++) {
      transformed[i] = transform.applyAsDouble(transformed[i]);
    }
    double[] before = rBond(base.law(), n);
    double[] after = rBond(DiscreteBestOfN.of(base.probs(), transformed), n);
    assertThat(after).containsExactly(before, within(0.0));
  }

  /** Eq. 7-8: π_BoN(y) = π_ref(y) · exp(r_BOND(y) / β_BOND), with normaliser exactly 1. */
  @Property(tries = 1000)
  void bestOfNIsTheRlhfSolutionOfTheBondReward(@ForAll("bases") RewardedDistribution base,
      @ForAll @IntRange(min = 2, max = 32) int n) {
    double[] r = rBond(base.law(), n);
    double[] bon = base.law().law(n, TieRule.STRICT);
    double beta = BondReward.beta(n);
    double total = 0;
    for (int y = 0; y < r.length; y++) {
      double tilted = base.probs()[y] * Math.exp(r[y] / beta);
      total += tilted;
      assertThat(tilted).as("y=%d", y).isCloseTo(bon[y], within(1e-12));
    }
    assertThat(total).isCloseTo(1.0, within(1e-9));
  }

  /** The dropped term (1/(N−1)) log C lies in [0, log N / (N−1)] (SPEC S3). */
  @Property(tries = 1000)
  void correctionTermIsBounded(@ForAll("bases") RewardedDistribution base,
      @ForAll @IntRange(min = 2, max = 64) int n) {
    double[] atMost = base.law().quantile(TieRule.STRICT);
    double[] r = rBond(base.law(), n);
    for (int y = 0; y < r.length; y++) {
      if (atMost[y] > 0) {
        // r_BOND − log p≤ is a difference of two numbers as large as |log p≤|: allow its rounding.
        double slack = 1e-14 * (1 + Math.abs(Math.log(atMost[y])));
        double term = r[y] - BondReward.approximate(atMost[y]);
        assertThat(term).isBetween(-slack, Math.log(n) / (n - 1) + slack);
      }
    }
  }

  /**
   * App. A.4: over the two anchor draws, E[r_J(y)] = −log(16)·(1 − p≤(y))², with p≤(y) = P[r(y')
   * <= r(y)]; checked by exact enumeration of the pairs (y'_1, y'_2), ties included.
   */
  @Property(tries = 1000)
  void jBondRewardHasTheStatedExpectation(@ForAll("bases") RewardedDistribution base) {
    double[] p = base.probs();
    double[] r = base.rewards();
    double[] atMost = base.law().quantile(TieRule.UNIFORM);
    for (int y = 0; y < p.length; y++) {
      double expectation = 0;
      for (int a = 0; a < p.length; a++) {
        for (int b = 0; b < p.length; b++) {
          expectation += p[a] * p[b] * JBondReward.of(r[y], r[a], r[b]);
        }
      }
      assertThat(expectation).isCloseTo(JBondReward.expectation(atMost[y]), within(1e-12));
    }
  }
}
