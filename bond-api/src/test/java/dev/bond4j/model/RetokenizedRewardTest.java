package dev.bond4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class RetokenizedRewardTest {
  /** One token per word: the id is the word's length, so a test can see what was encoded. */
  private static final Tokenizer WORDS = new Tokenizer() {
    @Override
    public TokenSequence encode(String text) {
      return TokenSequence.of(Arrays.stream(text.trim().split("\\s+"))
          .filter(w -> !w.isEmpty()).mapToInt(String::length).toArray());
    }

    @Override
    public String decode(TokenSequence tokens) {
      throw new UnsupportedOperationException("the reward side only encodes");
    }

    @Override
    public int vocabularySize() {
      return 100;
    }

    @Override
    public int eosToken() {
      return 0;
    }
  };

  @Test
  void theRewardSeesTheTextEncodedWithItsOwnTokenizer() {
    ByteTokenizer bytes = new ByteTokenizer();
    RewardModel wordsAndLengths = sequences -> sequences.stream()
        .mapToDouble(s -> 100 * s.completion().length() + s.completion().get(0)
            + 0.001 * s.prompt().tokens().length())
        .toArray();
    RewardModel reward = new RetokenizedReward(wordsAndLengths, bytes, WORDS);
    Prompt textless = Prompt.of("a", bytes.encode("the soup"));
    Prompt withText = Prompt.builder().id("b").tokens(bytes.encode("x")).text("one two three")
        .build();
    double[] scores = reward.score(List.of(
        WeightedSequence.of(textless, bytes.encode("was lovely"), 1),
        WeightedSequence.of(withText, bytes.encode("bland"), 1)));
    // "was lovely": two words, the first of length 3; the prompt "the soup" is two words.
    assertThat(scores[0]).isEqualTo(203.002, Assertions.within(1e-9));
    // the prompt's own text wins over decoding its tokens: three words.
    assertThat(scores[1]).isEqualTo(105.003, Assertions.within(1e-9));
  }
}
