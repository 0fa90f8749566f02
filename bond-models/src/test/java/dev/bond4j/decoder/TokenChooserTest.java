package dev.bond4j.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.NumericalException;
import dev.bond4j.value.SamplingSettings;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Rows of probabilities that come from non-finite weights or logits are refused with a {@link
 * NumericalException} instead of an index out of bounds, with or without truncation.
 */
class TokenChooserTest {
  private static final SamplingSettings PLAIN = SamplingSettings.builder().maxNewTokens(1).build();
  private static final SamplingSettings TRUNCATED = SamplingSettings.builder().maxNewTokens(1)
      .topK(2).topP(0.9).build();

  @Test
  void nonFiniteOrEmptyRowsAreNumericalFailures() {
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    for (SamplingSettings settings : new SamplingSettings[] {PLAIN, TRUNCATED}) {
      TokenChooser chooser = new TokenChooser(settings, 3);
      for (float[] row : new float[][] {{nan, nan, nan}, {0.5f, nan, 0.5f}, {inf, 0, 0},
          {0, 0, 0}}) {
        assertThatThrownBy(() -> chooser.choose(row, 0, new SplittableRandom(1)))
            .isInstanceOf(NumericalException.class).hasMessageContaining("not finite");
      }
      assertThat(chooser.choose(new float[] {0, 1, 0}, 0, new SplittableRandom(1)).token())
          .isEqualTo(1);
    }
  }
}
