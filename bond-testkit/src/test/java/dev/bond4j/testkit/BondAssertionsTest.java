package dev.bond4j.testkit;

import static dev.bond4j.testkit.BondAssertions.assertThat;
import static dev.bond4j.testkit.BondAssertions.assertThatThrownBy;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.math.TieRule;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.testbed.TabularSnapshot;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.TokenSequence;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each assertion passes on the truth and fails on a planted error, saying why. */
class BondAssertionsTest {
  private static final double[] BASE = {0.4, 0.3, 0.2, 0.1, 0.0};
  private static final double[] REWARDS = {1, 2, 2, 3, 3};
  private static final SequenceSpace SPACE = SequenceSpace.of(3, 2, 3);

  // ---------------------------------------------------------------- isBestOfN

  @Test
  void isBestOfNAcceptsTheExactLaw() {
    double[] law = new RewardedDistribution(BASE, REWARDS).bestOf(4, TieRule.STRICT);
    assertThat(law).isADistribution().isBestOfN(BASE, REWARDS, 4, TieRule.STRICT);
  }

  /** Planted error: ties split uniformly where the law breaks them by the strict order. */
  @Test
  void isBestOfNNamesTheElementThatDiffers() {
    double[] uniform = new RewardedDistribution(BASE, REWARDS).bestOf(4, TieRule.UNIFORM);
    assertThatThrownBy(() -> assertThat(uniform).isBestOfN(BASE, REWARDS, 4, TieRule.STRICT))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected the Best-of-4 law (STRICT) of base")
        .hasMessageContaining("2 of 5 elements differ: element 1 (reward 2.0): actual")
        .hasMessageContaining("tolerance 1.0E-9");
  }

  @Test
  void isADistributionRejectsAVectorThatDoesNotSumToOne() {
    assertThatThrownBy(() -> assertThat(new double[] {0.5, 0.6}).isADistribution())
        .hasMessageContaining("the elements sum to 1.1");
  }

  // ---------------------------------------------------------------- followLaw

  /** Seeded inverse-CDF draws from {@code law}. */
  private static Samples draws(double[] law, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] indices = new int[count];
    for (int i = 0; i < count; i++) {
      double u = random.nextDouble();
      int k = 0;
      while (k < law.length - 1 && (u -= law[k]) >= 0) {
        k++;
      }
      indices[i] = k;
    }
    return Samples.ofIndices(indices);
  }

  @Test
  void followLawAcceptsDrawsFromTheLaw() {
    double[] law = new RewardedDistribution(BASE, REWARDS).bestOf(4, TieRule.STRICT);
    assertThat(draws(law, 5000, 1)).followLaw(law);
  }

  /** Planted error: a selector that keeps the best of 3 draws where Best-of-4 is claimed. */
  @Test
  void followLawRejectsDrawsFromAnotherLawWithThePValue() {
    RewardedDistribution base = new RewardedDistribution(BASE, REWARDS);
    Samples bestOfThree = draws(base.bestOf(3, TieRule.STRICT), 5000, 2);
    assertThatThrownBy(() -> assertThat(bestOfThree).followLaw(base.bestOf(4, TieRule.STRICT)))
        .hasMessageContaining("Expected 5000 draws to follow the law (Pearson chi-square at"
            + " α = 0.001), but p = ")
        .hasMessageContaining("largest deviation at element");
  }

  /** Planted error: a draw of an element the law gives probability 0. */
  @Test
  void followLawRejectsADrawOfProbabilityZero() {
    assertThatThrownBy(() -> assertThat(Samples.ofIndices(0, 1, 4, 2)).followLaw(BASE))
        .hasMessage("Expected draws only where the law is positive, but draw 2 (index 4) is"
            + " element 4, of probability 0.0");
  }

  @Test
  void followLawRejectsALawThatIsNotADistribution() {
    double[] notALaw = {0.5, 0.6};
    assertThatThrownBy(() -> assertThat(Samples.ofIndices(0, 1)).followLaw(notALaw))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("[0.5, 0.6]")
        .hasMessageContaining("probabilities >= 0 that sum to 1 (they sum to 1.1");
  }

  // ---------------------------------------------------------------- hasKlFrom

  @Test
  void hasKlFromBoundsTheDivergenceInEveryContext() {
    TabularPolicy policy = TabularPolicy.random(SPACE, 2, 1.0, 3, OptimizerSettings.defaults());
    assertThat(policy).hasKlFrom(policy.snapshot()).isCloseTo(0, 0).atMost(0);
  }

  /** Planted error: a "fine-tuned" policy that drifted much further than claimed. */
  @Test
  void hasKlFromNamesTheContextOverTheBound() {
    TabularSnapshot reference = TabularPolicy.random(SPACE, 2, 1.0, 3,
        OptimizerSettings.defaults()).snapshot();
    TabularPolicy drifted = TabularPolicy.random(SPACE, 2, 1.0, 4, OptimizerSettings.defaults());
    assertThatThrownBy(() -> assertThat(drifted).hasKlFrom(reference).atMost(0.05))
        .hasMessageContaining("Expected KL(policy ‖ reference) <= 0.05, but the KL of context")
        .hasMessageContaining("above the bound); KL per context: [");
  }

  // ---------------------------------------------------------------- haveGradientOf

  private static final TabularReward REWARD = TabularReward.randomLevels(SPACE, 2, 4, 5);

  /** The exact expected reward over both contexts: the objective REINFORCE ascends. */
  private static double expectedReward(TabularPolicy policy) {
    double total = 0;
    for (int c = 0; c < policy.contexts(); c++) {
      double[] p = policy.distribution(c);
      double[] r = REWARD.rewards(c);
      for (int i = 0; i < p.length; i++) {
        total += p[i] * r[i];
      }
    }
    return total;
  }

  private static double reward(int context, TokenSequence y) {
    return REWARD.rewards(context)[SPACE.indexOf(y)];
  }

  @Test
  void haveGradientOfAcceptsProbabilityWeightedRewards() {
    TabularPolicy policy = TabularPolicy.random(SPACE, 2, 1.0, 6, OptimizerSettings.defaults());
    assertThat(WeightedBatch.overSpace(policy, (c, y, p) -> p * reward(c, y)))
        .haveGradientOf(BondAssertionsTest::expectedReward);
  }

  /** Planted error: the weights forget the probability factor of the expectation. */
  @Test
  void haveGradientOfNamesTheParameterThatDiffers() {
    TabularPolicy policy = TabularPolicy.random(SPACE, 2, 1.0, 6, OptimizerSettings.defaults());
    assertThatThrownBy(() -> assertThat(WeightedBatch.overSpace(policy, (c, y, p) ->
        reward(c, y))).haveGradientOf(BondAssertionsTest::expectedReward))
        .hasMessageContaining("Expected the weights' ascent direction −∇L to equal the"
            + " objective's gradient ∇J (central differences, step 1.0E-5, tolerance 1.0E-6),"
            + " but ")
        .hasMessageContaining("parameters differ: θ[0] (context 0, state 0, token 0): actual");
  }
}
