package dev.bond4j.algorithm;

import dev.bond4j.rollout.RolloutBatch;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import java.util.List;

/**
 * The first stage's output: a step's prompts with the policy's completions and, for BOND, the
 * anchor's ({@code anchorCount} per prompt, in prompt order), as the run's rollout source made
 * them (it may have scored them already: the score stage asks it for the rewards).
 *
 * @param prompts the step's prompts
 * @param rollouts the policy's completions, the anchor's (empty for REINFORCE) and their rewards
 * @param anchorCount anchor completions per prompt
 */
record Samples(List<Prompt> prompts, RolloutBatch rollouts, int anchorCount) {

  /** The policy's completions, in order. */
  List<Completion> policy() {
    return rollouts.policy();
  }

  /** The anchor's completions, {@code anchorCount} per prompt. */
  List<Completion> anchor() {
    return rollouts.anchor();
  }

  /** The policy's completions, then the anchor's: the order rewards come in. */
  List<Completion> all() {
    return rollouts.all();
  }

  /** Completion tokens sampled in the step. */
  long tokens() {
    long tokens = 0;
    for (Completion c : all()) {
      tokens += c.completion().length();
    }
    return tokens;
  }
}
