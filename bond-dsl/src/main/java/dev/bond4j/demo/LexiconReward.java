package dev.bond4j.demo;

import dev.bond4j.model.RewardModel;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.value.PromptedSequence;
import java.util.List;
import java.util.Map;

/**
 * The demo's reward: a sentiment lexicon written for {@link ReviewCorpus}. Each positive word
 * scores +1 (strong ones +2), each negative word −1 (strong ones −2), intensifiers double the next
 * adjective, and a completion that does not end with EOS loses 1. Only the completion is scored.
 */
public final class LexiconReward implements RewardModel {
  static final Map<String, Double> SCORES = Map.ofEntries(Map.entry("lovely", 2.0),
      Map.entry("superb", 2.0), Map.entry("great", 1.0), Map.entry("warm", 1.0),
      Map.entry("fine", 0.0), Map.entry("plain", 0.0), Map.entry("okay", 0.0),
      Map.entry("bland", -1.0), Map.entry("cold", -1.0), Map.entry("dull", -1.0),
      Map.entry("awful", -2.0), Map.entry("rude", -2.0));
  private static final double UNFINISHED = -1.0;

  private final Tokenizer tokenizer;

  /** A lexicon reward reading completions with {@code tokenizer}. */
  public LexiconReward(Tokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  @Override
  public double[] score(List<? extends PromptedSequence> sequences) {
    double[] out = new double[sequences.size()];
    for (int i = 0; i < out.length; i++) {
      PromptedSequence s = sequences.get(i);
      out[i] = score(tokenizer.decode(s.completion()));
      boolean finished = !s.completion().isEmpty() && s.completion().last() == tokenizer.eosToken();
      if (!finished) {
        out[i] += UNFINISHED;
      }
    }
    return out;
  }

  /** The lexicon score of a text. */
  public static double score(String text) {
    double total = 0;
    double intensity = 1;
    for (String word : text.split("\\s+")) {
      if (word.equals("very") || word.equals("truly")) {
        intensity = 2;
      }
      Double value = SCORES.get(word);
      if (value != null) {
        total += intensity * value;
        intensity = 1;
      }
    }
    return total;
  }
}
