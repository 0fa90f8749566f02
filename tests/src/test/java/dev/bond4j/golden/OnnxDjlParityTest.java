package dev.bond4j.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.djl.DjlPolicy;
import dev.bond4j.djl.DjlSnapshot;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.RotaryEmbedding;
import dev.bond4j.onnx.OnnxOptions;
import dev.bond4j.onnx.OnnxPolicy;
import dev.bond4j.onnx.WeightSource;
import dev.bond4j.onnx.export.DecoderOnnxExport;
import dev.bond4j.onnx.export.DecoderOnnxExport.Weights;
import dev.bond4j.value.Completion;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import dev.bond4j.spi.BackendOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX Runtime against DJL on the same weights, for GPT-2 and two Llama-family shapes (Qwen2:
 * grouped-query attention with q/k/v biases and an untied head; Llama: one key-value head for four
 * queries, every optional bias, a tied head and llama3-scaled RoPE): a DJL policy exported by
 * bond4j gives DJL's log-probabilities and, with the same seed, DJL's samples (both backends draw
 * with the same token chooser); and a weight-following ONNX decoder tracks a DJL policy and its
 * EMA anchor as they train.
 */
class OnnxDjlParityTest {
  private static final double TOLERANCE = 1e-4;

  static List<DecoderConfig> configs() {
    return List.of(DecoderConfig.gpt2(24, 32, 32, 2, 4),
        new DecoderConfig("qwen2", 24, 32, 32, 2, 4, 2, 8, 48, 1e-6, "silu", false, true, false,
            false, RotaryEmbedding.plain(10000), 0, List.of(23), null),
        new DecoderConfig("llama", 24, 32, 32, 2, 4, 1, 8, 48, 1e-5, "silu", true, true, true,
            true, RotaryEmbedding.llama3(500000, 8, 1, 4, 16), 0, List.of(23), null));
  }

  private static List<Prompt> prompts() {
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      prompts.add(Prompt.of("p" + i, i % 2 == 0 ? TokenSequence.of(i, 5) : TokenSequence.of(7)));
    }
    return prompts;
  }

  @ParameterizedTest
  @MethodSource("configs")
  void anExportedDjlPolicyScoresAndSamplesLikeDjl(DecoderConfig config, @TempDir Path directory) {
    SamplingSettings settings = SamplingSettings.training(12);
    try (DjlPolicy djl = DjlPolicy.create(config, 3, OptimizerSettings.defaults(),
        BackendOptions.defaults())) {
      DecoderOnnxExport.export(config, djl.parameters(), directory, Weights.BAKED);
      try (OnnxPolicy onnx = OnnxPolicy.load(directory, OnnxOptions.cpu())) {
        List<Completion> fromDjl = djl.sample(prompts(), settings, 17);
        assertThat(onnx.logProbs(fromDjl)).containsExactly(djl.logProbs(fromDjl),
            within(TOLERANCE));
        List<Completion> fromOnnx = onnx.sample(prompts(), settings, 17);
        for (int i = 0; i < fromDjl.size(); i++) {
          assertThat(fromOnnx.get(i).completion()).isEqualTo(fromDjl.get(i).completion());
          assertThat(fromOnnx.get(i).logProb()).isCloseTo(fromDjl.get(i).logProb(),
              within(TOLERANCE));
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("configs")
  void aFollowingDecoderTracksADjlPolicyAndItsEmaAnchor(DecoderConfig config,
      @TempDir Path directory) {
    DecoderOnnxExport.export(config, null, directory, Weights.INPUTS);
    OptimizerSettings settings = OptimizerSettings.builder().learningRate(0.05).build();
    try (DjlPolicy djl = DjlPolicy.create(config, 4, settings, BackendOptions.defaults());
        DjlSnapshot anchor = djl.snapshot();
        OnnxPolicy policy = OnnxPolicy.following(directory,
            WeightSource.canonical(config, djl::parameters), OnnxOptions.cpu());
        OnnxPolicy ema = OnnxPolicy.following(directory,
            WeightSource.canonical(config, anchor::parameters), OnnxOptions.cpu())) {
      List<Completion> samples = djl.sample(prompts(), SamplingSettings.training(10), 5);
      List<WeightedSequence> batch = new ArrayList<>();
      for (int i = 0; i < samples.size(); i++) {
        batch.add(WeightedSequence.of(samples.get(i), i % 2 == 0 ? 1.0 : -0.5));
      }
      double[] before = djl.logProbs(samples);
      for (int step = 0; step < 3; step++) {
        djl.update(batch);
        anchor.moveToward(djl, 0.3);
        assertThat(policy.logProbs(samples)).containsExactly(djl.logProbs(samples),
            within(TOLERANCE));
        assertThat(ema.logProbs(samples)).containsExactly(anchor.logProbs(samples),
            within(TOLERANCE));
      }
      assertThat(policy.logProbs(samples)[0]).isGreaterThan(before[0] + 10 * TOLERANCE);
    }
  }
}
