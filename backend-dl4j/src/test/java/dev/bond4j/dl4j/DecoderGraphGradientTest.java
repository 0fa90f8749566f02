package dev.bond4j.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.models.PackedSequences;
import dev.bond4j.models.DecoderConfig;
import dev.bond4j.models.DecoderLayout;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The graph's gradients against central finite differences of its own loss, on a GPT-2 whose
 * weights are scaled up so that errors show. A one-token completion after a one-token prompt is
 * a single input position, the shape for which SameDiff 1.0.0-M2.1 computed wrong gradients until
 * packing gave every batch at least two positions.
 */
class DecoderGraphGradientTest {
  private static final DecoderConfig CONFIG =
      DecoderConfig.gpt2(4, 8, 16, 2, 2, 32, 1e-5, "gelu_new", 3);

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void gradientsMatchFiniteDifferences(int completionLength) {
    Dl4jRuntime.prepare(BackendOptions.defaults());
    DecoderLayout layout = new DecoderLayout(CONFIG);
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
    try (Dl4jModel model = new Dl4jModel(Dl4jParameters.of(CONFIG, values))) {
      model.graph.prepareGradients();
      PackedSequences packed = PackedSequences.of(batch, CONFIG, 2);
      Map<String, INDArray> placeholders =
          model.inputs(packed, packed.positionWeights(new double[] {-1.0})).arrays();
      Map<String, INDArray> gradients =
          model.graph.sameDiff.calculateGradients(placeholders, model.graph.variableNames);
      int[][] probes = {{0, 5}, {0, 17}, {1, 3}, {4, 10}, {4, 100}, {5, 7}, {16, 50}};
      for (int[] probe : probes) {
        INDArray tensor = model.parameters.tensors[probe[0]];
        float original = tensor.getFloat(probe[1]);
        double h = 1e-2;
        tensor.putScalar(probe[1], original + h);
        double up = loss(model, batch);
        tensor.putScalar(probe[1], original - h);
        double down = loss(model, batch);
        tensor.putScalar(probe[1], original);
        double numeric = (up - down) / (2 * h);
        double analytic = gradients.get(model.graph.variableNames[probe[0]]).getDouble(probe[1]);
        assertThat(analytic).as("d loss / d %s[%d]", layout.name(probe[0]), probe[1])
            .isCloseTo(numeric, within(2e-3 * (1 + Math.abs(numeric))));
      }
      NdArrays.closeAll(placeholders);
      NdArrays.closeAll(gradients);
    }
  }

  private static double loss(Dl4jModel model, List<WeightedSequence> batch) {
    return -batch.get(0).weight() * model.logProbs(batch)[0];
  }
}
