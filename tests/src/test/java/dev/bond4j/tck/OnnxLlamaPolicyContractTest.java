package dev.bond4j.tck;

import dev.bond4j.decoder.DecoderConfig;

/**
 * The sampling half of the conformance suite against ONNX Runtime on the Llama family: the
 * Qwen2 shape of {@link DjlLlamaPolicyContractTest} (grouped-query attention, q/k/v biases, an
 * untied head, rotary positions), exported by bond4j.
 */
class OnnxLlamaPolicyContractTest extends OnnxPolicyContractTest {
  @Override
  DecoderConfig config() {
    return DjlLlamaPolicyContractTest.QWEN2;
  }
}
