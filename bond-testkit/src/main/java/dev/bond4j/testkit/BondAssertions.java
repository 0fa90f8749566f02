package dev.bond4j.testkit;

import dev.bond4j.testbed.ExactDistribution;
import org.assertj.core.api.Assertions;

/**
 * Entry point of bond4j's AssertJ assertions; it extends {@link Assertions}, so one static import
 * {@code BondAssertions.*} gives these and every AssertJ assertion:
 *
 * <pre>{@code
 * assertThat(distribution).isBestOfN(base, rewards, n, TieRule.STRICT);
 * assertThat(Samples.ofIndices(draws)).followLaw(law);
 * assertThat(policy).hasKlFrom(reference).atMost(0.1);
 * assertThat(WeightedBatch.overSpace(policy, weight)).haveGradientOf(objective);
 * }</pre>
 *
 * Each failure message names the element that differs, by how much, and what was expected.
 */
public class BondAssertions extends Assertions {
  /** Only static methods; extend it to add your own. */
  protected BondAssertions() {}

  /** Assertions on a probability vector (index {@code i} is support element {@code i}). */
  public static DistributionAssert assertThat(double[] distribution) {
    return new DistributionAssert(distribution);
  }

  /** Assertions on draws from a distribution over an enumerated support. */
  public static SamplesAssert assertThat(Samples samples) {
    return new SamplesAssert(samples);
  }

  /** Assertions on a policy whose distribution is known exactly. */
  public static PolicyAssert assertThat(ExactDistribution policy) {
    return new PolicyAssert(policy);
  }

  /** Assertions on the weights of a training rule, at a tabular policy. */
  public static WeightsAssert assertThat(WeightedBatch weights) {
    return new WeightsAssert(weights);
  }
}
