package dev.bond4j.rollout;

import dev.bond4j.algorithm.BondTrainer;
import dev.bond4j.value.Completion;
import java.util.List;

/**
 * The default {@link RolloutSource}: one {@code sample} call of the policy and one of the anchor
 * on the whole batch, each with its step seed, scored lazily by the request's reward model.
 */
final class InProcessRollouts implements RolloutSource {
  static final InProcessRollouts INSTANCE = new InProcessRollouts();

  private InProcessRollouts() {}

  @Override
  public RolloutBatch generate(RolloutRequest request) {
    List<Completion> policy = request.policy().sample(
        BondTrainer.repeat(request.prompts(), request.policySamples()), request.sampling(),
        request.policySeed());
    List<Completion> anchor = request.anchorSamples() == 0 ? List.of()
        : request.anchor().sample(BondTrainer.repeat(request.prompts(), request.anchorSamples()),
            request.sampling(), request.anchorSeed());
    return RolloutBatch.scoredLater(policy, anchor, request.reward());
  }
}
