package dev.bond4j.decoder.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.decoder.DecoderConfig;
import org.junit.jupiter.api.Test;

/** The analytic minimum against a count made by hand (see BENCHMARKS.md, issue 11). */
class AnalyticMemoryTest {
  @Test
  void countsTheBenchmarkShapeAtD512ByHand() {
    DecoderConfig config = DecoderConfig.gpt2(256, 64, 512, 6, 8, 2048, 1e-5, "gelu_new", 255);
    // N = V d + ctx d + L (12 d² + 13 d) + 2 d (tied head)
    long parameters = 256 * 512 + 64 * 512 + 6 * (12L * 512 * 512 + 13 * 512) + 2 * 512;
    assertThat(config.parameterCount()).isEqualTo(parameters).isEqualTo(19_079_168L);
    // 32 sequences of 63 input tokens, 32 × 48 of them predicting a completion token:
    // per token 6 (16 · 512 + 8 · 63) + 512 = 52 688 values, per predicted token 512 + 256.
    long values = 6 * parameters + 32 * 63 * 52_688L + 32 * 48 * 768L;
    assertThat(AnalyticMemory.jBondMinimumBytes(config, 32, 63, 32 * 48))
        .isEqualTo(4 * values).isEqualTo(887_494_656L);
  }

  @Test
  void growsWithTheMicroBatchAndNotWithTheRest() {
    DecoderConfig config = DecoderConfig.gpt2(256, 64, 128, 2, 4, 512, 1e-5, "gelu_new", 255);
    long weightsOnly = AnalyticMemory.jBondMinimumBytes(config, 0, 0, 0);
    assertThat(weightsOnly).isEqualTo(24 * config.parameterCount());
    assertThat(AnalyticMemory.jBondMinimumBytes(config, 2, 10, 0) - weightsOnly)
        .isEqualTo(4L * 2 * 10 * (2 * (16 * 128 + 4 * 10) + 128));
    assertThat(AnalyticMemory.jBondMinimumBytes(config, 0, 0, 5) - weightsOnly)
        .isEqualTo(4L * 5 * (128 + 256));
  }
}
