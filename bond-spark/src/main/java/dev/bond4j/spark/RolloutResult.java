package dev.bond4j.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One prompt's rollouts as an executor returns them.
 *
 * @param index the prompt's index in the step's batch
 * @param policy the policy's completions, scored
 * @param anchor the anchor's completions, scored
 * @param weightSeconds seconds the task spent fetching the broadcast weights and loading them
 *     into its models (charged to the partition's first prompt, 0 for the others)
 */
public record RolloutResult(long index, List<SampledCompletion> policy,
    List<SampledCompletion> anchor, double weightSeconds) implements Serializable {}
