package dev.bond4j.examples.testing

import dev.bond4j.math.TieRule
import dev.bond4j.testbed.TabularPolicy
import dev.bond4j.testkit.BestOfNArbitraries
import dev.bond4j.testkit.BondAssertions.assertThat
import dev.bond4j.testkit.RewardedDistribution
import dev.bond4j.testkit.Samples
import dev.bond4j.testkit.TestbedArbitraries
import dev.bond4j.testkit.WeightedBatch
import dev.bond4j.value.TokenSequence
import java.util.SplittableRandom
import net.jqwik.api.Arbitrary
import net.jqwik.api.ForAll
import net.jqwik.api.Property
import net.jqwik.api.Provide
import net.jqwik.api.constraints.IntRange

/**
 * The Kotlin example: property tests of the user-written [RerankSelector] (by sampling, against
 * the exact law) and of REINFORCE weights built from the user-written [LikedTokenReward] (against
 * finite differences of the exact expected reward), with bond-testkit.
 */
class SelectorAndRewardKotlinProperties {
    private val reward = LikedTokenReward(2, 0.25)

    @Provide
    fun bases(): Arbitrary<RewardedDistribution> = BestOfNArbitraries.rewardedDistributions(8, 4)

    @Provide
    fun policies(): Arbitrary<TabularPolicy> = TestbedArbitraries.tabularPolicies()

    /** One draw of the base by inversion: the index whose cumulative mass first exceeds u. */
    private fun draw(probs: DoubleArray, random: SplittableRandom): Int {
        var u = random.nextDouble()
        for (i in 0 until probs.size - 1) {
            u -= probs[i]
            if (u < 0) return i
        }
        return probs.size - 1
    }

    /**
     * 4000 seeded Best-of-N draws through the selector follow the exact law. Each try rejects a
     * correct selector with probability 1e-5, so the 40 tries together do so below 0.1%.
     */
    @Property(tries = 40, seed = "20250101")
    fun sampledSelectionsFollowTheBestOfNLaw(
        @ForAll("bases") base: RewardedDistribution,
        @ForAll @IntRange(min = 1, max = 8) n: Int,
    ) {
        val random = SplittableRandom(n.toLong())
        val probs = base.probs()
        val rewards = base.rewards()
        val selected = IntArray(4000) {
            val drawn = IntArray(n) { draw(probs, random) }
            drawn[RerankSelector.best(drawn.map { TokenSequence.of(it) },
                DoubleArray(n) { k -> rewards[drawn[k]] })]
        }
        assertThat(Samples.ofIndices(*selected)).followLaw(base.bestOf(n, TieRule.STRICT), 1e-5)
    }

    private fun expectedReward(policy: TabularPolicy): Double {
        var total = 0.0
        for (context in 0 until policy.contexts()) {
            val probs = policy.distribution(context)
            for (i in probs.indices) total += probs[i] * reward.score(policy.space().sequence(i))
        }
        return total
    }

    /** Weights π(y)·r(y) over the whole space ascend the exact expected reward of any policy. */
    @Property(tries = 1000)
    fun reinforceWeightsAscendTheExpectedReward(@ForAll("policies") policy: TabularPolicy) {
        assertThat(WeightedBatch.overSpace(policy) { _, y, p -> p * reward.score(y) })
            .haveGradientOf { expectedReward(it) }
    }
}
