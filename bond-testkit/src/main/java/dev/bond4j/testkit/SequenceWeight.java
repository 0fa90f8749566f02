package dev.bond4j.testkit;

import dev.bond4j.value.TokenSequence;

/**
 * The weight a training rule gives a sequence of the testbed, for {@link
 * WeightedBatch#overSpace}: a function of the context, the completion and its probability under
 * the policy.
 */
@FunctionalInterface
public interface SequenceWeight {
  /**
   * The weight of {@code completion} for {@code context}.
   *
   * @param probability the completion's probability under the policy, for weights of the form
   *     {@code π(y) · a(y)} that turn a sum over the space into an exact expectation
   */
  double weight(int context, TokenSequence completion, double probability);
}
