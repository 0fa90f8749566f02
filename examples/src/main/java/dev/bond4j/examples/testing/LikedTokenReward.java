package dev.bond4j.examples.testing;

import dev.bond4j.model.RewardModel;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.TokenSequence;
import java.util.List;

/**
 * A user-written reward: one point per occurrence of a liked token, minus a length penalty. Its
 * values are few, so Best-of-N under it has many ties. The example tests check what Best-of-N
 * under this reward does on the exact testbed.
 */
public final class LikedTokenReward implements RewardModel {
  private final int liked;
  private final double lengthPenalty;

  /** One point per {@code liked} token, minus {@code lengthPenalty} per token. */
  public LikedTokenReward(int liked, double lengthPenalty) {
    this.liked = liked;
    this.lengthPenalty = lengthPenalty;
  }

  /** The reward of one completion. */
  public double score(TokenSequence completion) {
    double points = 0;
    for (int t = 0; t < completion.length(); t++) {
      points += completion.get(t) == liked ? 1 : 0;
    }
    return points - lengthPenalty * completion.length();
  }

  @Override
  public double[] score(List<? extends PromptedSequence> sequences) {
    double[] out = new double[sequences.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = score(sequences.get(i).completion());
    }
    return out;
  }
}
