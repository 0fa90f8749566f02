package dev.bond4j.tck;

import dev.bond4j.decoder.DecoderConfig;

/**
 * The full conformance suite against ONNX Runtime's trainable policy on the Llama family: the
 * Qwen2 shape of {@link DjlLlamaPolicyContractTest} (grouped-query attention, q/k/v biases, an
 * untied head, rotary positions).
 */
class OnnxTrainableLlamaPolicyContractTest extends OnnxTrainablePolicyContractTest {
  @Override
  DecoderConfig config() {
    return DjlLlamaPolicyContractTest.QWEN2;
  }
}
