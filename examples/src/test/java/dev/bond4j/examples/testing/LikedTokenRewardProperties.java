package dev.bond4j.examples.testing;

import static dev.bond4j.testkit.BondAssertions.assertThat;

import dev.bond4j.math.ContinuousBestOfN;
import dev.bond4j.math.DiscreteBestOfN;
import dev.bond4j.math.TieRule;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testkit.TestbedArbitraries;
import dev.bond4j.value.TokenSequence;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Property tests of the user-written {@link LikedTokenReward} on the exact testbed: what it
 * promises by itself, and what Best-of-N under it does to a policy.
 */
class LikedTokenRewardProperties {
  private static final SequenceSpace SPACE = SequenceSpace.of(4, 0, 3);
  private static final int LIKED = 2;
  private static final LikedTokenReward REWARD = new LikedTokenReward(LIKED, 0.25);

  @Provide
  Arbitrary<TokenSequence> completions() {
    return TestbedArbitraries.sequences(SPACE);
  }

  @Provide
  Arbitrary<TabularPolicy> policies() {
    return TestbedArbitraries.tabularPolicies(SPACE, 2);
  }

  /** Turning one token that is neither liked nor EOS into the liked one adds exactly 1. */
  @Property
  void aLikedTokenAddsOnePoint(@ForAll("completions") TokenSequence y) {
    int[] tokens = y.toArray();
    for (int t = 0; t < tokens.length; t++) {
      if (tokens[t] != LIKED && tokens[t] != SPACE.eosToken()) {
        tokens[t] = LIKED;
        assertThat(REWARD.score(TokenSequence.of(tokens)) - REWARD.score(y))
            .isEqualTo(1.0);
        return;
      }
    }
  }

  /**
   * Best-of-N under the reward, from any policy: a distribution that raises the expected reward
   * and stays within the KL bound {@code log N − (N−1)/N} of its base (SPEC S2).
   */
  @Property(tries = 1000)
  void bestOfNRaisesTheRewardWithinTheKlBound(@ForAll("policies") TabularPolicy policy,
      @ForAll @IntRange(min = 1, max = 16) int n) {
    double[] rewards = new double[SPACE.size()];
    for (int i = 0; i < rewards.length; i++) {
      rewards[i] = REWARD.score(SPACE.sequence(i));
    }
    for (int context = 0; context < policy.contexts(); context++) {
      double[] base = policy.distribution(context);
      double[] bestOfN = DiscreteBestOfN.of(base, rewards).law(n, TieRule.STRICT);
      assertThat(bestOfN).as("context %d", context).isADistribution()
          .hasKlFrom(base).atMost(ContinuousBestOfN.klFromBase(n) + 1e-12);
      assertThat(mean(bestOfN, rewards)).isGreaterThanOrEqualTo(mean(base, rewards) - 1e-12);
    }
  }

  private static double mean(double[] probs, double[] values) {
    double sum = 0;
    for (int i = 0; i < probs.length; i++) {
      sum += probs[i] * values[i];
    }
    return sum;
  }
}
