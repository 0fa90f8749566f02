package dev.bond4j.algorithm;

import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import java.util.ArrayList;
import java.util.List;

/**
 * The first stage's output: a step's prompts with the policy's completions and, for BOND, the
 * anchor's ({@code anchorCount} per prompt, in prompt order).
 *
 * @param prompts the step's prompts
 * @param policy the policy's completions, in order
 * @param anchor the anchor's completions, {@code anchorCount} per prompt; empty for REINFORCE
 * @param anchorCount anchor completions per prompt
 */
record Samples(List<Prompt> prompts, List<Completion> policy, List<Completion> anchor,
    int anchorCount) {

  /** The policy's completions, then the anchor's: the order rewards come in. */
  List<Completion> all() {
    List<Completion> all = new ArrayList<>(policy);
    all.addAll(anchor);
    return all;
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
