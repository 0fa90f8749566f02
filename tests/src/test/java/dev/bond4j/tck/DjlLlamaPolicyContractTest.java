package dev.bond4j.tck;

import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.RotaryEmbedding;
import java.util.List;

/**
 * The conformance suite against the DJL backend on the Llama family: a Qwen2-shaped model with
 * grouped-query attention (4 query heads over 2 key-value heads), q/k/v biases, an untied head and
 * rotary positions.
 */
class DjlLlamaPolicyContractTest extends DjlPolicyContractTest {
  static final DecoderConfig QWEN2 = new DecoderConfig("qwen2", 4, 8, 16, 2, 4, 2, 4, 24, 1e-6,
      "silu", false, true, false, false, RotaryEmbedding.plain(10000), 0, List.of(3), null);

  @Override
  DecoderConfig config() {
    return QWEN2;
  }
}
