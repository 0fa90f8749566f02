package dev.bond4j.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.value.TokenSequence;
import org.junit.jupiter.api.Test;

class SequenceSpaceTest {

  @Test
  void enumeratesEveryCompletionInLexicographicOrder() {
    SequenceSpace space = SequenceSpace.of(3, 0, 2);
    // EOS-terminated: [0], [1,0], [2,0]; cut at length 2: [1,1], [1,2], [2,1], [2,2].
    assertThat(space.size()).isEqualTo(7);
    assertThat(space.stateCount()).isEqualTo(3);
    for (int i = 1; i < space.size(); i++) {
      assertThat(space.sequence(i - 1)).isLessThan(space.sequence(i));
    }
    assertThat(space.indexOf(TokenSequence.of(2, 1))).isEqualTo(5);
    assertThat(space.indexOf(TokenSequence.of(0, 1))).isEqualTo(-1);
  }

  @Test
  void rejectsIncompleteOrInvalidSequences() {
    SequenceSpace space = SequenceSpace.of(3, 0, 2);
    assertThatThrownBy(() -> space.walk(TokenSequence.of(1)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("complete sequence");
    assertThatThrownBy(() -> space.walk(TokenSequence.of(0, 1)))
        .hasMessageContaining("ends at its first EOS");
    assertThatThrownBy(() -> space.walk(TokenSequence.of(1, 7)))
        .hasMessageContaining("completion[1] = 7");
    assertThatThrownBy(() -> space.walk(TokenSequence.of(1, 1, 1)))
        .hasMessageContaining("completion.length = 3");
  }

  @Test
  void refusesSpacesTooLargeToEnumerate() {
    assertThatThrownBy(() -> SequenceSpace.of(50, 0, 8))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("at most 2000000 sequences");
    assertThatThrownBy(() -> SequenceSpace.of(1, 3, 0))
        .hasMessageContaining("vocabularySize = 1").hasMessageContaining("eosToken = 3")
        .hasMessageContaining("maxLength = 0");
  }
}
