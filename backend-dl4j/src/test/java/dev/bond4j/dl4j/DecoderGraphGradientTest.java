package dev.bond4j.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.decoder.PackedSequences;
import dev.bond4j.decoder.RotaryEmbedding;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The graph's gradients against central finite differences of its own loss, at two entries of
 * every parameter tensor (the one of largest gradient, so that a wrong gradient cannot hide below
 * the tolerance, and a fixed one), on models whose weights are scaled up so that errors show: a GPT-2, a
 * Qwen2 (grouped-query attention with two query heads per key-value head, q/k/v biases, an
 * untied head, RoPE) and a Llama with one key-value head, output and MLP biases, a tied head and
 * linearly scaled RoPE. A one-token completion after a one-token prompt is a single input
 * position, the shape for which SameDiff 1.0.0-M2.1 computed wrong gradients until packing gave
 * every batch at least two positions.
 */
class DecoderGraphGradientTest {
  private static final DecoderConfig GPT2 =
      DecoderConfig.gpt2(4, 8, 16, 2, 2, 32, 1e-5, "gelu_new", 3);
  private static final DecoderConfig QWEN2 = new DecoderConfig("qwen2", 4, 8, 16, 2, 4, 2, 4, 24,
      1e-6, "silu", false, true, false, false, RotaryEmbedding.plain(10000), 0, List.of(3), null);
  private static final DecoderConfig LLAMA = new DecoderConfig("llama", 4, 8, 16, 1, 4, 1, 4, 24,
      1e-5, "silu", true, false, true, true, RotaryEmbedding.linear(10000, 2), 0, List.of(3), null);

  static Stream<Arguments> cases() {
    return Stream.of(GPT2, QWEN2, LLAMA)
        .flatMap(config -> Stream.of(Arguments.of(config, 1), Arguments.of(config, 3)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void gradientsMatchFiniteDifferences(DecoderConfig config, int completionLength) {
    Dl4jRuntime.prepare(BackendOptions.defaults());
    DecoderLayout layout = new DecoderLayout(config);
    float[] values = layout.initialValues(11);
    for (int i = 0; i < layout.size(); i++) {
      if (layout.shape(i).length == 2) {
        for (int j = (int) layout.offset(i); j < layout.offset(i + 1); j++) {
          values[j] *= 12;
        }
      }
    }
    int[] completion = completionLength == 1 ? new int[] {3} : new int[] {2, 2, 0};
    List<WeightedSequence> batch = List.of(WeightedSequence.of(
        Prompt.of("p", TokenSequence.of(1)), TokenSequence.of(completion), -1.0));
    try (Dl4jModel model = new Dl4jModel(Dl4jParameters.of(config, values))) {
      model.graph.prepareGradients(true);
      PackedSequences packed = PackedSequences.of(batch, config, 2);
      Map<String, INDArray> placeholders =
          model.inputs(packed, packed.positionWeights(new double[] {-1.0})).arrays();
      Map<String, INDArray> gradients =
          model.graph.sameDiff.calculateGradients(placeholders, model.graph.variableNames);
      for (int i = 0; i < layout.size(); i++) {
        INDArray tensor = model.parameters.tensors[i];
        INDArray gradient = gradients.get(model.graph.variableNames[i]);
        long largest = Transforms.abs(gradient, true).reshape(-1).argMax().getLong(0);
        for (long entry : new long[] {largest, (7L * i + 3) % tensor.length()}) {
          float original = tensor.getFloat(entry);
          double h = 1e-2;
          tensor.putScalar(entry, original + h);
          double up = loss(model, batch);
          tensor.putScalar(entry, original - h);
          double down = loss(model, batch);
          tensor.putScalar(entry, original);
          double numeric = (up - down) / (2 * h);
          double analytic = gradient.getDouble(entry);
          assertThat(analytic).as("%s: d loss / d %s[%d]", config.modelType(), layout.name(i),
                  entry)
              .isCloseTo(numeric, within(2e-3 * (1 + Math.abs(numeric))));
        }
      }
      NdArrays.closeAll(placeholders);
      NdArrays.closeAll(gradients);
    }
  }

  private static double loss(Dl4jModel model, List<WeightedSequence> batch) {
    return -batch.get(0).weight() * model.logProbs(batch)[0];
  }
}
