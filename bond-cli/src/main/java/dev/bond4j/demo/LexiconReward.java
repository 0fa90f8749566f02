package dev.bond4j.demo;

import dev.bond4j.model.RewardModel;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.value.PromptedSequence;
import java.util.List;
import java.util.Map;

/**
 * The demo's reward: a sentiment lexicon written for {@link ReviewCorpus}, read over the prompt and
 * its completion together. Each positive adjective scores +1 (strong ones +2), each negative one
 * −1 (strong ones −2), and {@code very} or {@code truly} doubles the next adjective, so a
 * sentence scores between −8 and +8. A text outside the corpus's grammar scores {@value
 * #UNGRAMMATICAL}, and one that never reached EOS {@value #UNFINISHED}: stringing positive words
 * together does not pay.
 */
public final class LexiconReward implements RewardModel {
  static final Map<String, Double> SCORES = Map.ofEntries(Map.entry("lovely", 2.0),
      Map.entry("superb", 2.0), Map.entry("great", 1.0), Map.entry("warm", 1.0),
      Map.entry("fine", 0.0), Map.entry("plain", 0.0), Map.entry("okay", 0.0),
      Map.entry("bland", -1.0), Map.entry("cold", -1.0), Map.entry("dull", -1.0),
      Map.entry("awful", -2.0), Map.entry("rude", -2.0));
  /** Reward of a completion that hit the length limit. */
  public static final double UNFINISHED = -5.0;
  /** Reward of a finished text the grammar does not recognise. */
  public static final double UNGRAMMATICAL = -4.0;

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
      boolean finished = !s.completion().isEmpty() && s.completion().last() == tokenizer.eosToken();
      String text = tokenizer.decode(s.prompt().tokens()) + " " + tokenizer.decode(s.completion());
      List<String> words = List.of(text.strip().split("\\s+"));
      out[i] = !finished ? UNFINISHED : ReviewGrammar.parses(words) ? score(text) : UNGRAMMATICAL;
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
