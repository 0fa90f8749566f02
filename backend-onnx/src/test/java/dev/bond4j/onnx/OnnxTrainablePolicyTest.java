package dev.bond4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.BondException;
import dev.bond4j.NumericalException;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.RotaryEmbedding;
import dev.bond4j.decoder.SafeTensor;
import dev.bond4j.decoder.SafeTensors;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.UpdateResult;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainable ONNX policy's own checks: training lowers the loss for both families, bad input
 * fails in one line before anything changes, and CUDA without its provider fails clearly.
 */
class OnnxTrainablePolicyTest {
  private static final DecoderConfig GPT2 = DecoderConfig.gpt2(8, 16, 16, 2, 2);
  private static final DecoderConfig QWEN2 = new DecoderConfig("qwen2", 8, 16, 16, 2, 4, 2, 4,
      24, 1e-6, "silu", false, true, false, false, RotaryEmbedding.plain(10000), 0, List.of(7),
      null);

  private static List<WeightedSequence> batch(double weight) {
    return List.of(
        WeightedSequence.of(Prompt.of("a", TokenSequence.of(1, 2)), TokenSequence.of(3, 4, 5),
            weight),
        WeightedSequence.of(Prompt.of("b", TokenSequence.of(6)), TokenSequence.of(0), weight));
  }

  @Test
  void repeatedUpdatesRaiseTheLogProbOfPositivelyWeightedSequencesInBothFamilies() {
    for (DecoderConfig config : List.of(GPT2, QWEN2)) {
      try (OnnxTrainablePolicy policy = OnnxTrainablePolicy.create(config, 1,
          OptimizerSettings.builder().learningRate(1e-2).build(), OnnxOptions.cpu())) {
        List<WeightedSequence> batch = batch(1.0);
        double first = policy.update(batch).loss();
        double last = first;
        for (int i = 0; i < 10; i++) {
          last = policy.update(batch).loss();
        }
        assertThat(last).as(config.modelType()).isLessThan(first - 0.5);
        assertThat(policy.steps()).isEqualTo(11);
        double[] logProbs = policy.logProbs(batch);
        assertThat(-(logProbs[0] + logProbs[1])).isLessThan(first);
      }
    }
  }

  @Test
  void aNonFiniteGradientRaisesBeforeTheWeightsChange() {
    try (OnnxTrainablePolicy policy = OnnxTrainablePolicy.create(GPT2, 1,
        OptimizerSettings.defaults(), OnnxOptions.cpu())) {
      float[] before = policy.parameters();
      assertThatThrownBy(() -> policy.update(batch(1e38)))
          .isInstanceOf(NumericalException.class).hasMessageContaining("gradient norm")
          .hasMessageNotContaining("\n");
      assertThat(policy.parameters()).containsExactly(before);
      assertThat(policy.steps()).isZero();
      UpdateResult next = policy.update(batch(1.0));
      assertThat(next.gradientNorm()).isFinite();
      assertThat(policy.steps()).isEqualTo(1);
    }
  }

  @Test
  void aCheckpointMissingAWeightTensorIsNamedInOneLine(@TempDir Path directory) throws Exception {
    try (OnnxTrainablePolicy policy = OnnxTrainablePolicy.create(GPT2, 1,
        OptimizerSettings.defaults(), OnnxOptions.cpu())) {
      policy.save(directory);
    }
    Path file = directory.resolve("model.safetensors");
    Map<String, SafeTensor> tensors = new LinkedHashMap<>(SafeTensors.read(file).tensors());
    tensors.remove("h.1.mlp.c_fc.weight");
    new SafeTensors(tensors, Map.of()).write(file);
    assertThatThrownBy(() -> OnnxTrainablePolicy.load(directory, OptimizerSettings.defaults(),
        OnnxOptions.cpu())).isInstanceOf(BondException.class)
        .hasMessageContaining("h.1.mlp.c_fc.weight").hasMessageNotContaining("\n");
  }

  @Test
  void cudaWithoutItsProviderFailsClearlyWithoutFallingBack() {
    assertThatThrownBy(() -> OnnxTrainablePolicy.create(GPT2, 1, OptimizerSettings.defaults(),
        OnnxOptions.cpu().withDevice("cuda:0"))).isInstanceOf(BondException.class)
        .hasMessageContaining("cuda:0").hasMessageContaining("CUDA execution provider");
  }
}
