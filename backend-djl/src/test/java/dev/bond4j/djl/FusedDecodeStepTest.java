package dev.bond4j.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.PromptBatch;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.Precision;
import dev.bond4j.value.OptimizerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The GPT-2 decoding step in one TorchScript call gives, bit for bit, the probabilities of the
 * step made of one DJL call per operation: fp32 and bf16, tanh and exact GELU, temperature 1 and
 * not, before and after rows are dropped, over left-padded prompts.
 */
class FusedDecodeStepTest {
  @ParameterizedTest
  @CsvSource({"fp32, gelu_new, 1.0", "fp32, gelu, 0.7", "bf16, gelu_new, 1.0",
      "bf16, gelu_new, 1.3"})
  void oneCallPerTokenComputesWhatTheStepByStepPassComputes(String precision, String activation,
      double temperature) {
    DecoderConfig config = DecoderConfig.gpt2(40, 24, 32, 2, 4, 64, 1e-5, activation, 39);
    try (DjlPolicy policy = DjlPolicy.create(config, 5, OptimizerSettings.builder().build(),
        BackendOptions.builder().precision(Precision.parse(precision)).build())) {
      DjlParameters parameters = policy.parametersInternal();
      DecoderForward forward = new DecoderForward(parameters, null, precision.equals("bf16"));
      assertThat(FusedDecodeStep.supports(parameters, forward)).isTrue();
      JniUtils.setGradMode(false);
      List<float[]> fused = decode(new DjlDecodingSession(parameters, forward, temperature, true));
      List<float[]> stepwise = decode(new DjlDecodingSession(parameters, forward, temperature,
          false));
      assertThat(fused).hasSameSizeAs(stepwise);
      for (int i = 0; i < fused.size(); i++) {
        assertThat(fused.get(i)).as("call %d", i).containsExactly(stepwise.get(i));
      }
    }
  }

  /** Prefill 3 left-padded prompts, 4 steps, drop row 1, 3 more steps: every probability row. */
  private static List<float[]> decode(DjlDecodingSession session) {
    int rows = 3;
    int promptSlots = 4;
    int[] pads = {0, 2, 1};
    int[] tokens = new int[rows * promptSlots];
    int[] positions = new int[rows * promptSlots];
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < rows; i++) {
      for (int t = pads[i]; t < promptSlots; t++) {
        tokens[i * promptSlots + t] = random.nextInt(39);
        positions[i * promptSlots + t] = t - pads[i];
      }
    }
    List<float[]> out = new ArrayList<>();
    try (session) {
      out.add(session.prefill(new PromptBatch(rows, promptSlots, promptSlots + 8, tokens,
          positions, pads)));
      int[] live = {0, 1, 2};
      for (int step = 0; step < 7; step++) {
        if (step == 4) {
          live = new int[] {0, 2};
          session.retain(new int[] {0, 2});
        }
        int[] next = new int[live.length];
        int[] at = new int[live.length];
        for (int i = 0; i < live.length; i++) {
          next[i] = random.nextInt(39);
          at[i] = promptSlots - pads[live[i]] + step;
        }
        out.add(session.step(next, at, promptSlots + step));
      }
    }
    return out;
  }
}
