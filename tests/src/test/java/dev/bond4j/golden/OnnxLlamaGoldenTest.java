package dev.bond4j.golden;

import dev.bond4j.model.Policy;
import dev.bond4j.onnx.OnnxOptions;
import dev.bond4j.onnx.OnnxPolicy;
import dev.bond4j.value.TokenSequence;
import java.nio.file.Path;
import java.util.List;

/**
 * ONNX Runtime against the Llama-family fixtures' {@code torch.onnx} exports in the
 * HuggingFace-optimum convention: grouped-query cache shapes (Qwen2, 2 key-value heads of 6), a
 * decoder with {@code position_ids} and one without (positions from the attention mask), and
 * llama3-scaled RoPE with a tied head.
 */
class OnnxLlamaGoldenTest extends GoldenFixtureContract {
  @Override
  Policy open(Path fixture) {
    return OnnxPolicy.load(fixture, OnnxOptions.cpu());
  }

  @Override
  float[] logits(Policy model, List<TokenSequence> sequences) {
    return ((OnnxPolicy) model).logits(sequences);
  }

  @Override
  List<String> fixtures() {
    return List.of("tiny-qwen2-gqa/with-past", "tiny-qwen2-gqa/no-position-ids",
        "tiny-llama-tied/with-past");
  }
}
