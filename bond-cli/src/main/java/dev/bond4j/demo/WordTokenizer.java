package dev.bond4j.demo;

import dev.bond4j.Problems;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.value.TokenSequence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A whitespace tokenizer over a fixed vocabulary, id 0 being end-of-sequence: the demo's
 * tokenizer, so that a tiny GPT learns its synthetic corpus in seconds.
 */
public final class WordTokenizer implements Tokenizer {
  /** The end-of-sequence id. */
  public static final int EOS = 0;
  private static final String EOS_WORD = "<eos>";

  private final List<String> words;
  private final Map<String, Integer> ids = new HashMap<>();

  /** A tokenizer over {@code words} (EOS is added as id 0). */
  public WordTokenizer(List<String> words) {
    this.words = new ArrayList<>();
    this.words.add(EOS_WORD);
    for (String word : words) {
      Problems.require(!ids.containsKey(word) && !word.isBlank() && !word.contains(" "), "word",
          word, "distinct non-blank words without spaces");
      ids.put(word, this.words.size());
      this.words.add(word);
    }
  }

  @Override
  public TokenSequence encode(String text) {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      return TokenSequence.empty();
    }
    String[] parts = trimmed.split("\\s+");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      Integer id = ids.get(parts[i]);
      Problems.require(id != null, "word", parts[i], "a word of the demo vocabulary");
      out[i] = id;
    }
    return TokenSequence.of(out);
  }

  @Override
  public String decode(TokenSequence tokens) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < tokens.length(); i++) {
      int id = tokens.get(i);
      Problems.require(id < words.size(), "tokens[" + i + "]", id,
          "an id in [0, " + words.size() + ")");
      if (id == EOS) {
        continue;
      }
      if (text.length() > 0) {
        text.append(' ');
      }
      text.append(words.get(id));
    }
    return text.toString();
  }

  @Override
  public int vocabularySize() {
    return words.size();
  }

  @Override
  public int eosToken() {
    return EOS;
  }
}
