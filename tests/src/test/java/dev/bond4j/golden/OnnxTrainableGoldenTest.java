package dev.bond4j.golden;

import dev.bond4j.model.Policy;
import dev.bond4j.onnx.OnnxOptions;
import dev.bond4j.onnx.OnnxTrainablePolicy;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.TokenSequence;
import java.nio.file.Path;
import java.util.List;

/**
 * ONNX Runtime's trainable policy against every golden fixture (GPT-2 and the Llama family in
 * F32, BF16, F16 and sharded), loaded from the HuggingFace folder as {@code backend: onnx} does.
 */
class OnnxTrainableGoldenTest extends GoldenFixtureContract {
  @Override
  Policy open(Path fixture) {
    return OnnxTrainablePolicy.load(fixture, OptimizerSettings.defaults(), OnnxOptions.cpu());
  }

  @Override
  float[] logits(Policy model, List<TokenSequence> sequences) {
    return ((OnnxTrainablePolicy) model).logits(sequences);
  }
}
