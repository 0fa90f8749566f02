package dev.bond4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.BondException;
import dev.bond4j.value.TokenSequence;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HfTokenizerTest {
  private static Path file() throws URISyntaxException {
    return Path.of(HfTokenizerTest.class.getResource("/tokenizer/tokenizer.json").toURI());
  }

  @Test
  void encodesAndDecodesWithATokenizerJson() throws URISyntaxException {
    try (HfTokenizer tokenizer = HfTokenizer.load(file(), "<|endoftext|>")) {
      assertThat(tokenizer.vocabularySize()).isEqualTo(6);
      assertThat(tokenizer.eosToken()).isEqualTo(5);
      assertThat(tokenizer.encode("hello world bye")).isEqualTo(TokenSequence.of(0, 1, 3));
      assertThat(tokenizer.encode("hello moon")).isEqualTo(TokenSequence.of(0, 4));
      assertThat(tokenizer.decode(TokenSequence.of(2, 3, 5))).isEqualTo("good bye");
    }
  }

  @Test
  void requiresTheEndOfSequenceToken() {
    assertThatThrownBy(() -> HfTokenizer.load(file(), "</s>")).isInstanceOf(BondException.class)
        .hasMessageContaining("</s>");
  }
}
