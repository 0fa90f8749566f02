package dev.bond4j.rollout;

import dev.bond4j.Problems;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import java.util.List;
import java.util.Objects;

/**
 * What one step asks a {@link RolloutSource} for: for each prompt, {@code policySamples}
 * completions of {@code policy} and {@code anchorSamples} completions of {@code anchor}, drawn with
 * {@code sampling} from the seeds given, all scored by {@code reward}.
 *
 * @param step the training step, 1-based
 * @param prompts the step's prompts, in order
 * @param policy the policy now
 * @param policySamples policy completions per prompt, {@code >= 1}
 * @param policySeed the seed of the policy's samples in this step
 * @param anchor the anchor now (the reference when there is none); unused when
 *     {@code anchorSamples} is 0
 * @param anchorSamples anchor completions per prompt, {@code >= 0}
 * @param anchorSeed the seed of the anchor's samples in this step
 * @param reward the reward model
 * @param sampling how every completion is drawn
 */
public record RolloutRequest(long step, List<Prompt> prompts, Policy policy, int policySamples,
    long policySeed, Policy anchor, int anchorSamples, long anchorSeed, RewardModel reward,
    SamplingSettings sampling) {
  /** Checks the counts and that nothing needed is missing. */
  public RolloutRequest {
    prompts = List.copyOf(prompts);
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(anchor, "anchor");
    Objects.requireNonNull(reward, "reward");
    Objects.requireNonNull(sampling, "sampling");
    Problems.of("RolloutRequest").atLeast("policySamples", policySamples, 1)
        .atLeast("anchorSamples", anchorSamples, 0).throwIfAny();
  }
}
