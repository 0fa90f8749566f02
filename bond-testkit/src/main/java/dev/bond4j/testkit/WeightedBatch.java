package dev.bond4j.testkit;

import dev.bond4j.Problems;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch of weighted sequences at a tabular policy: what a training rule hands to {@link
 * dev.bond4j.model.TrainablePolicy#update}, which descends the surrogate loss {@code L(θ) = −Σ w_i
 * log π_θ(y_i|x_i)} with the weights held fixed. {@link WeightsAssert#haveGradientOf} compares
 * {@code −∇L} with the gradient of the objective the rule means to ascend.
 *
 * @param policy the policy at which the gradient is taken (not modified)
 * @param batch the weighted sequences, over the policy's space and contexts
 */
public record WeightedBatch(TabularPolicy policy, List<WeightedSequence> batch) {

  /** Copies the batch; it must not be empty. */
  public WeightedBatch {
    Problems.require(!batch.isEmpty(), "batch", batch.size(), "at least one weighted sequence");
    batch = List.copyOf(batch);
  }

  /** The batch {@code batch} at {@code policy}. */
  public static WeightedBatch of(TabularPolicy policy, List<WeightedSequence> batch) {
    return new WeightedBatch(policy, batch);
  }

  /**
   * Every sequence of the policy's space in every context, weighted by {@code weight}: with
   * weights {@code π(y) · a(y)} the surrogate gradient is the exact expectation that sampled
   * batches estimate.
   */
  public static WeightedBatch overSpace(TabularPolicy policy, SequenceWeight weight) {
    SequenceSpace space = policy.space();
    List<WeightedSequence> batch = new ArrayList<>();
    for (int c = 0; c < policy.contexts(); c++) {
      double[] probs = policy.distribution(c);
      for (int i = 0; i < space.size(); i++) {
        TokenSequence y = space.sequence(i);
        batch.add(WeightedSequence.of(TabularPolicy.prompt(c), y, weight.weight(c, y, probs[i])));
      }
    }
    return new WeightedBatch(policy, batch);
  }
}
