package dev.bond4j.rollout;

import dev.bond4j.model.RewardModel;
import dev.bond4j.value.Completion;
import java.util.ArrayList;
import java.util.List;

/**
 * A step's completions and their rewards: the policy's (prompt by prompt, {@link
 * RolloutRequest#policySamples()} each) and the anchor's ({@link RolloutRequest#anchorSamples()}
 * each). Rewards are those of {@link #all()}, in its order. A batch may score lazily, on the first
 * call of {@link #rewards()}, so that the trainers time sampling and scoring apart.
 */
public final class RolloutBatch {
  private final List<Completion> policy;
  private final List<Completion> anchor;
  private final RewardModel scorer;
  private double[] rewards;

  private RolloutBatch(List<Completion> policy, List<Completion> anchor, RewardModel scorer,
      double[] rewards) {
    this.policy = List.copyOf(policy);
    this.anchor = List.copyOf(anchor);
    this.scorer = scorer;
    this.rewards = rewards;
  }

  /** A batch already scored: {@code rewards} holds the policy's then the anchor's. */
  public static RolloutBatch scored(List<Completion> policy, List<Completion> anchor,
      double[] rewards) {
    return new RolloutBatch(policy, anchor, null, rewards.clone());
  }

  /** A batch that {@code reward} scores when its rewards are first asked for. */
  public static RolloutBatch scoredLater(List<Completion> policy, List<Completion> anchor,
      RewardModel reward) {
    return new RolloutBatch(policy, anchor, reward, null);
  }

  /** The policy's completions. */
  public List<Completion> policy() {
    return policy;
  }

  /** The anchor's completions. */
  public List<Completion> anchor() {
    return anchor;
  }

  /** The policy's completions followed by the anchor's. */
  public List<Completion> all() {
    List<Completion> all = new ArrayList<>(policy.size() + anchor.size());
    all.addAll(policy);
    all.addAll(anchor);
    return all;
  }

  /** The rewards of {@link #all()}, in order (a copy). */
  public double[] rewards() {
    if (rewards == null) {
      rewards = scorer.score(all());
    }
    return rewards.clone();
  }
}
