package dev.bond4j.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.djl.DjlPolicy;
import dev.bond4j.decoder.DecoderCheckpoint;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.onnx.OnnxOptions;
import dev.bond4j.onnx.OnnxTrainablePolicy;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.UpdateResult;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX Runtime's generated training graphs against DJL's autograd on the same weights and batch:
 * the gradient (read from AdamW's first moment after one step, {@code m = (1 − β1) g}) agrees
 * within 1e-4 relative for GPT-2 and the two Llama-family shapes of {@link OnnxDjlParityTest}
 * (the loss curve of J-BOND is {@code JBondLossParityTest}'s).
 */
class OnnxTrainingParityTest {
  private static final double BETA1 = 0.9;

  static List<DecoderConfig> configs() {
    return OnnxDjlParityTest.configs();
  }

  /** Sequences of several lengths with positive and negative weights. */
  private static List<WeightedSequence> batch(DecoderConfig config) {
    List<WeightedSequence> batch = new ArrayList<>();
    int v = config.vocabularySize();
    for (int i = 0; i < 6; i++) {
      TokenSequence prompt = i % 2 == 0 ? TokenSequence.of(i, 5) : TokenSequence.of(7);
      int[] completion = new int[2 + (i * 3) % 7];
      for (int t = 0; t < completion.length; t++) {
        completion[t] = (i * 7 + t * 5) % (v - 1);
      }
      batch.add(WeightedSequence.of(Prompt.of("p" + i, prompt), TokenSequence.of(completion),
          i % 3 == 0 ? -0.5 : 0.25 + 0.1 * i));
    }
    return batch;
  }

  @ParameterizedTest
  @MethodSource("configs")
  void theGradientMatchesDjl(DecoderConfig config, @TempDir Path directory) {
    OptimizerSettings settings = OptimizerSettings.builder().learningRate(1e-3).beta1(BETA1)
        .maxGradNorm(0).weightDecay(0).build();
    Path initial = directory.resolve("initial");
    Path djlAfter = directory.resolve("djl");
    Path onnxAfter = directory.resolve("onnx");
    UpdateResult djlResult;
    UpdateResult onnxResult;
    try (DjlPolicy djl = DjlPolicy.create(config, 5, settings, BackendOptions.defaults())) {
      djl.save(initial);
      djlResult = djl.update(batch(config));
      djl.save(djlAfter);
    }
    try (OnnxTrainablePolicy onnx = OnnxTrainablePolicy.load(initial, settings,
        OnnxOptions.cpu())) {
      onnxResult = onnx.update(batch(config));
      onnx.save(onnxAfter);
    }
    assertThat(onnxResult.loss()).isCloseTo(djlResult.loss(),
        within(1e-5 * Math.abs(djlResult.loss())));
    assertThat(onnxResult.gradientNorm()).isCloseTo(djlResult.gradientNorm(),
        within(1e-4 * djlResult.gradientNorm()));
    float[] expected = DecoderCheckpoint.read(djlAfter, true).firstMoment();
    float[] actual = DecoderCheckpoint.read(onnxAfter, true).firstMoment();
    assertThat(actual).hasSameSizeAs(expected);
    double difference = 0;
    double norm = 0;
    for (int i = 0; i < expected.length; i++) {
      double g = expected[i] / (1 - BETA1);
      double d = actual[i] / (1 - BETA1) - g;
      difference += d * d;
      norm += g * g;
    }
    assertThat(Math.sqrt(difference / norm)).as("relative gradient difference")
        .isLessThan(1e-4);
  }
}
