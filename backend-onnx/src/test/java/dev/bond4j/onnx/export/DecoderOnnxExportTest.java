package dev.bond4j.onnx.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.bond4j.BondException;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.onnx.export.DecoderOnnxExport.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The signature of bond4j's Llama-family export (its numbers are checked in {@code tests/}). */
class DecoderOnnxExportTest {
  /** Six query heads over two key-value heads of size 8, untied head. */
  private static final DecoderConfig LLAMA = DecoderConfig.llama(20, 16, 48, 2, 6, 2, 40, false);

  @Test
  void aLlamaExportWithWeightInputsHasTheLayoutsInputsAndAGroupedQueryCache() throws Exception {
    byte[] model = DecoderOnnxExport.graph(LLAMA, null, Weights.INPUTS).toBytes();
    try (OrtSession session = OrtEnvironment.getEnvironment().createSession(model)) {
      Map<String, NodeInfo> inputs = session.getInputInfo();
      List<String> weights = new ArrayList<>();
      for (Map.Entry<String, NodeInfo> input : inputs.entrySet()) {
        long[] shape = ((TensorInfo) input.getValue().getInfo()).getShape();
        if (input.getKey().startsWith("past_key_values.")) {
          assertThat(shape).containsExactly(-1, 2, -1, 8);
        } else if (!input.getKey().endsWith("_ids") && !input.getKey().equals("attention_mask")) {
          weights.add(input.getKey());
        }
      }
      DecoderLayout layout = new DecoderLayout(LLAMA);
      assertThat(weights).containsExactlyElementsOf(layout.names());
      assertThat(inputs).containsKey("past_key_values.1.value");
      assertThat(((TensorInfo) session.getOutputInfo().get("present.1.key").getInfo()).getShape())
          .containsExactly(-1, 2, -1, 8);
      assertThat(((TensorInfo) session.getOutputInfo().get("logits").getInfo()).getShape())
          .containsExactly(-1, -1, 20);
    }
  }

  @Test
  void bakedWeightsOfTheWrongCountAreRefused() {
    long expected = new DecoderLayout(LLAMA).parameterCount();
    assertThatThrownBy(() -> DecoderOnnxExport.graph(LLAMA, new float[3], Weights.BAKED))
        .isInstanceOf(BondException.class)
        .hasMessageContaining("Expected " + expected + " parameter values")
        .hasMessageContaining("got 3");
  }
}
