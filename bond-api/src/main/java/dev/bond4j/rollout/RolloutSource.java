package dev.bond4j.rollout;

/**
 * Samples and scores one training step's completions (SPEC S7.1's "sample" and "score" stages):
 * the policy's and the anchor's completions of a batch of prompts, and their rewards. Trainers
 * know only this interface; {@link #inProcess()}, the default, samples and scores in this JVM with
 * the request's own policy, anchor and reward model. Another implementation may sample elsewhere
 * (on a cluster's executors), as long as it returns the completions of exactly the policy and
 * anchor parameters the request names, in the request's order.
 */
@FunctionalInterface
public interface RolloutSource {
  /**
   * The completions and rewards {@code request} asks for.
   *
   * @throws dev.bond4j.BondException when sampling or scoring fails
   */
  RolloutBatch generate(RolloutRequest request);

  /** Samples and scores in this JVM: the trainers' default. */
  static RolloutSource inProcess() {
    return InProcessRollouts.INSTANCE;
  }
}
