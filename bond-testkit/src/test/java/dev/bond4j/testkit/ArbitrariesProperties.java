package dev.bond4j.testkit;

import static dev.bond4j.testkit.BondAssertions.assertThat;

import dev.bond4j.math.TieRule;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.value.Completion;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.WeightedSequence;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Shrinkable;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The arbitraries make valid values, shrink to valid values, and cover ties and zero atoms. */
class ArbitrariesProperties {
  private static final SequenceSpace SPACE = SequenceSpace.of(3, 0, 3);

  /** Checks {@code check} on a generated value and on up to 200 values of its shrink tree. */
  private static <T> void everyShrinkIsValid(Arbitrary<T> arbitrary, Random random,
      Consumer<T> check) {
    Deque<Shrinkable<T>> pending = new ArrayDeque<>();
    pending.add(arbitrary.generator(100).next(random));
    for (int visited = 0; visited < 200 && !pending.isEmpty(); visited++) {
      Shrinkable<T> next = pending.poll();
      check.accept(next.value());
      next.shrink().limit(8).forEach(pending::add);
    }
  }

  private static void isValidRewardedDistribution(RewardedDistribution d) {
    assertThat(d.probs()).isADistribution();
    assertThat(d.rewards()).hasSameSizeAs(d.probs());
    assertThat(d.bestOf(3, TieRule.STRICT)).isADistribution();
  }

  @Property(tries = 50)
  void rewardedDistributionsShrinkToValidOnes(@ForAll Random random) {
    everyShrinkIsValid(BestOfNArbitraries.rewardedDistributions(), random,
        ArbitrariesProperties::isValidRewardedDistribution);
    everyShrinkIsValid(BestOfNArbitraries.withDistinctRewards(), random, d -> {
      isValidRewardedDistribution(d);
      assertThat(Arrays.stream(d.rewards()).distinct().count()).isEqualTo(d.size());
    });
  }

  @Property(tries = 50)
  void rewardsShrinkWithinTheirLevels(@ForAll Random random,
      @ForAll @IntRange(min = 1, max = 5) int levels) {
    everyShrinkIsValid(BestOfNArbitraries.rewards(7, levels), random, r -> assertThat(
        Arrays.stream(r).filter(v -> v >= 0 && v < levels && v == Math.rint(v)).count())
        .isEqualTo(7));
  }

  @Property(tries = 30)
  void tabularPoliciesShrinkToValidPolicies(@ForAll Random random) {
    everyShrinkIsValid(TestbedArbitraries.tabularPolicies(), random, policy -> {
      for (int c = 0; c < policy.contexts(); c++) {
        assertThat(policy.distribution(c)).withTolerance(1e-12).isADistribution();
      }
    });
  }

  @Property(tries = 50)
  void completionsAndWeightedSequencesShrinkToSequencesOfTheSpace(@ForAll Random random) {
    TabularPolicy policy = TabularPolicy.random(SPACE, 2, 1.0, 1, OptimizerSettings.defaults());
    everyShrinkIsValid(TestbedArbitraries.completions(SPACE, 2), random, (Completion c) -> {
      assertThat(SPACE.indexOf(c.completion())).isNotNegative();
      assertThat(c.endedWithEos()).isEqualTo(c.completion().last() == SPACE.eosToken());
    });
    everyShrinkIsValid(TestbedArbitraries.weightedBatches(SPACE, 2, 5), random,
        (List<WeightedSequence> batch) -> assertThat(Arrays.stream(policy.logProbs(batch))
            .max().orElseThrow()).isNegative());
    everyShrinkIsValid(TestbedArbitraries.prompts(5, 4), random, prompt -> assertThat(
        prompt.tokens().maxToken()).isLessThan(5));
    everyShrinkIsValid(TestbedArbitraries.tabularRewards(SPACE, 2, 3), random, reward ->
        assertThat(Arrays.stream(reward.rewards(1)).distinct().count()).isLessThanOrEqualTo(3));
  }

  @Property(tries = 30)
  void sequenceSpacesShrinkToSmallerSpaces(@ForAll Random random) {
    everyShrinkIsValid(TestbedArbitraries.sequenceSpaces(), random, space -> assertThat(
        space.size()).isBetween(2, 40));
  }

  /** Guards the arbitraries' purpose: properties see ties and zero-probability atoms often. */
  @Test
  void tiesAndZeroAtomsAreFrequent() {
    List<RewardedDistribution> sample = BestOfNArbitraries.rewardedDistributions()
        .sampleStream().limit(1000).toList();
    long withZeroAtom = sample.stream()
        .filter(d -> Arrays.stream(d.probs()).anyMatch(p -> p == 0)).count();
    long withRewardTie = sample.stream()
        .filter(d -> Arrays.stream(d.rewards()).distinct().count() < d.size()).count();
    long withProbabilityTie = sample.stream().filter(d -> Arrays.stream(d.probs())
        .filter(p -> p > 0).distinct().count() < Arrays.stream(d.probs()).filter(p -> p > 0)
        .count()).count();
    assertThat(withZeroAtom).isGreaterThan(300);
    assertThat(withRewardTie).isGreaterThan(500);
    assertThat(withProbabilityTie).isGreaterThan(200);
  }
}
