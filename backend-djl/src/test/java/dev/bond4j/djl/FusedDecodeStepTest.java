package dev.bond4j.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.LoraLayout;
import dev.bond4j.decoder.PromptBatch;
import dev.bond4j.decoder.RotaryEmbedding;
import dev.bond4j.spi.LoraSettings;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.Precision;
import dev.bond4j.value.OptimizerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The decoding step in one TorchScript call gives, bit for bit, the probabilities of the step made
 * of one DJL call per operation: GPT-2 (tanh and exact GELU), Llama with grouped-query attention
 * and an untied head, Llama with one key-value head per query head and a tied head, a Qwen2-like
 * model with QKV biases, and LoRA adapters on GPT-2 and on the Qwen2-like model (fused QKV and
 * SwiGLU projections partly adapted); fp32 (products on MKL-packed weights) and bf16
 * (oneDNN-packed), temperature 1 and not, before and after rows are dropped, over left-padded
 * prompts.
 */
class FusedDecodeStepTest {
  private static final int VOCABULARY = 39;

  @ParameterizedTest
  @CsvSource({"gpt2, fp32, 1.0", "gpt2-exact, fp32, 0.7", "gpt2, bf16, 1.0", "gpt2, bf16, 1.3",
      "llama-gqa, fp32, 1.0", "llama-gqa, bf16, 0.7", "llama-tied, fp32, 1.3",
      "llama-tied, bf16, 1.0", "qwen2, fp32, 0.7", "qwen2, bf16, 1.0", "gpt2-lora, fp32, 1.0",
      "gpt2-lora, bf16, 0.7", "qwen2-lora, fp32, 1.3", "qwen2-lora, bf16, 1.0"})
  void oneCallPerTokenComputesWhatTheStepByStepPassComputes(String model, String precision,
      double temperature) {
    DecoderConfig config = config(model.replace("-lora", ""));
    boolean bf16 = precision.equals("bf16");
    try (DjlPolicy policy = DjlPolicy.create(config, 5, OptimizerSettings.builder().build(),
        BackendOptions.builder().precision(Precision.parse(precision)).build());
        DjlAdapter adapter = model.endsWith("-lora") ? adapter(config) : null) {
      DjlParameters parameters = policy.parametersInternal();
      DecoderForward forward = new DecoderForward(parameters, adapter, bf16);
      JniUtils.setGradMode(false);
      List<float[]> fused = decode(new DjlDecodingSession(parameters, forward, temperature, true));
      List<float[]> stepwise = decode(new DjlDecodingSession(parameters, forward, temperature,
          false));
      assertThat(fused).hasSameSizeAs(stepwise);
      for (int i = 0; i < fused.size(); i++) {
        assertThat(fused.get(i)).as("call %d", i).containsExactly(stepwise.get(i));
      }
      if (adapter != null) {
        List<float[]> base = decode(new DjlDecodingSession(parameters,
            new DecoderForward(parameters, null, bf16), temperature, true));
        assertThat(base.get(3)).as("the adapter's term is there")
            .isNotEqualTo(fused.get(3));
      }
    }
  }

  private static DecoderConfig config(String model) {
    return switch (model) {
      case "gpt2" -> DecoderConfig.gpt2(40, 24, 32, 2, 4, 64, 1e-5, "gelu_new", VOCABULARY);
      case "gpt2-exact" -> DecoderConfig.gpt2(40, 24, 32, 2, 4, 64, 1e-5, "gelu", VOCABULARY);
      case "llama-gqa" -> DecoderConfig.llama(40, 24, 32, 2, 4, 2, 48, false);
      case "llama-tied" -> DecoderConfig.llama(40, 24, 32, 2, 4, 4, 48, true);
      case "qwen2" -> new DecoderConfig("qwen2", 40, 24, 32, 2, 4, 2, 8, 48, 1e-6, "silu", false,
          true, false, false, RotaryEmbedding.plain(10000), 0, List.of(VOCABULARY), null);
      default -> throw new IllegalArgumentException(model);
    };
  }

  /**
   * A rank-2 adapter with random factors (B not zero, so that its term shows): every linear layer
   * of GPT-2; of the Qwen2-like model q, v, o, up and down, so that the fused QKV and gate-up
   * projections are partly adapted.
   */
  private static DjlAdapter adapter(DecoderConfig config) {
    LoraSettings settings = config.isGpt2() ? LoraSettings.of(2, 5, "c_attn", "c_proj", "c_fc")
        : LoraSettings.of(2, 6, "q_proj", "v_proj", "o_proj", "up_proj", "down_proj");
    LoraLayout layout = new LoraLayout(config, settings);
    SplittableRandom random = new SplittableRandom(3);
    float[] values = new float[(int) layout.parameterCount()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (0.4 * random.nextDouble() - 0.2);
    }
    return DjlAdapter.of(layout, values, Device.cpu(), false);
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
        tokens[i * promptSlots + t] = random.nextInt(VOCABULARY);
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
          next[i] = random.nextInt(VOCABULARY);
          at[i] = promptSlots - pads[live[i]] + step;
        }
        out.add(session.step(next, at, promptSlots + step));
      }
    }
    return out;
  }
}
