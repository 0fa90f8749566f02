package dev.bond4j.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.testkit.BestOfNArbitraries;
import dev.bond4j.testkit.RewardedDistribution;
import java.util.Arrays;
import java.util.stream.DoubleStream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of the exact Best-of-N law (SPEC S2, Theorem 1). */
class BestOfNLawProperties {

  @Provide
  Arbitrary<RewardedDistribution> bases() {
    return BestOfNArbitraries.rewardedDistributions();
  }

  @Provide
  Arbitrary<RewardedDistribution> distinct() {
    return BestOfNArbitraries.withDistinctRewards();
  }

  /** Guards the telescoping rewrite against the paper's Eq. 4-5: both forms are one law. */
  @Property(tries = 1000)
  void paperFormEqualsTelescopingForm(@ForAll("bases") RewardedDistribution base,
      @ForAll @IntRange(min = 1, max = 40) int n) {
    double[] paper = base.law().lawPaperForm(n);
    double[] stable = base.law().law(n, TieRule.STRICT);
    for (int y = 0; y < paper.length; y++) {
      assertThat(paper[y]).as("y=%d", y).isCloseTo(stable[y], within(1e-12));
    }
  }

  /** Guards against a law that is not a probability distribution, under either tie rule. */
  @Property(tries = 1000)
  void lawIsADistribution(@ForAll("bases") RewardedDistribution base,
      @ForAll @IntRange(min = 1, max = 64) int n, @ForAll TieRule rule) {
    double[] bon = base.law().law(n, rule);
    assertThat(DoubleStream.of(bon)).allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0 + 1e-12));
    assertThat(Arrays.stream(bon).sum()).isCloseTo(1.0, within(1e-9));
  }

  /** Guards the bound 1 <= C(y) <= N of Eq. 5. */
  @Property(tries = 1000)
  void correctionFactorIsBetweenOneAndN(@ForAll("bases") RewardedDistribution base,
      @ForAll @IntRange(min = 1, max = 64) int n) {
    assertThat(DoubleStream.of(base.law().correctionFactors(n)))
        .allSatisfy(c -> assertThat(c).isBetween(1.0, (double) n));
  }

  /** Best-of-1 is the base itself. */
  @Property(tries = 1000)
  void bestOfOneIsTheBase(@ForAll("bases") RewardedDistribution base, @ForAll TieRule rule) {
    double[] bon = base.law().law(1, rule);
    for (int y = 0; y < bon.length; y++) {
      assertThat(bon[y]).isCloseTo(base.probs()[y], within(1e-12));
    }
  }

  /** Eq. 16: iterating Best-of-M then Best-of-N is Best-of-(N·M) under STRICT. */
  @Property(tries = 1000)
  void iterationMultipliesN(@ForAll("bases") RewardedDistribution base,
      @ForAll @IntRange(min = 1, max = 8) int n, @ForAll @IntRange(min = 1, max = 8) int m) {
    double[] iterated = base.law().bestOf(m, TieRule.STRICT).law(n, TieRule.STRICT);
    double[] direct = base.law().law(n * m, TieRule.STRICT);
    for (int y = 0; y < direct.length; y++) {
      assertThat(iterated[y]).as("y=%d", y).isCloseTo(direct[y], within(1e-10));
    }
  }

  /** With all rewards distinct there are no ties, and the two rules agree. */
  @Property(tries = 1000)
  void uniformEqualsStrictWithoutTies(@ForAll("distinct") RewardedDistribution base,
      @ForAll @IntRange(min = 1, max = 32) int n) {
    double[] strict = base.law().law(n, TieRule.STRICT);
    double[] uniform = base.law().law(n, TieRule.UNIFORM);
    for (int y = 0; y < strict.length; y++) {
      assertThat(uniform[y]).isCloseTo(strict[y], within(1e-12));
    }
  }

  /** UNIFORM gives each member of a tie class its base share of the class's Best-of-N mass. */
  @Property(tries = 1000)
  void uniformSplitsTieClassesInProportionToTheBase(@ForAll("bases") RewardedDistribution base,
      @ForAll @IntRange(min = 1, max = 16) int n) {
    double[] uniform = base.law().law(n, TieRule.UNIFORM);
    double[] strict = base.law().law(n, TieRule.STRICT);
    double[] r = base.rewards();
    double[] p = base.probs();
    for (int y = 0; y < r.length; y++) {
      double classBon = 0;
      double classStrictBon = 0;
      double classBase = 0;
      for (int z = 0; z < r.length; z++) {
        if (r[z] == r[y]) {
          classBon += uniform[z];
          classStrictBon += strict[z];
          classBase += p[z];
        }
      }
      assertThat(classBon).as("class mass is rule-independent").isCloseTo(classStrictBon,
          within(1e-12));
      if (classBase > 0) {
        assertThat(uniform[y]).isCloseTo(classBon * p[y] / classBase, within(1e-12));
      }
    }
  }

  /** The continuous value log N − (N−1)/N bounds the discrete KL (SPEC S2). */
  @Property(tries = 1000)
  void discreteKlIsBoundedByTheContinuousValue(@ForAll("bases") RewardedDistribution base,
      @ForAll @IntRange(min = 1, max = 64) int n, @ForAll TieRule rule) {
    assertThat(base.law().klFromBase(n, rule))
        .isLessThanOrEqualTo(ContinuousBestOfN.klFromBase(n) + 1e-12);
  }

  /** The law's quantile p≤ is p< plus the element's own mass, and lies in [0, 1]. */
  @Property(tries = 1000)
  void quantilesAreConsistent(@ForAll("bases") RewardedDistribution base) {
    double[] below = base.law().quantileBelow(TieRule.STRICT);
    double[] atMost = base.law().quantile(TieRule.STRICT);
    for (int y = 0; y < below.length; y++) {
      assertThat(atMost[y] - below[y]).isCloseTo(base.probs()[y], within(1e-12));
      assertThat(atMost[y]).isBetween(0.0, 1.0);
    }
  }
}
