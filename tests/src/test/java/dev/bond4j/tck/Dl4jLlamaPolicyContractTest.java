package dev.bond4j.tck;

import dev.bond4j.decoder.DecoderConfig;

/**
 * The conformance suite against the dl4j backend on the Llama family: the Qwen2 shape of {@link
 * DjlLlamaPolicyContractTest} (grouped-query attention, q/k/v biases, an untied head, rotary
 * positions).
 */
class Dl4jLlamaPolicyContractTest extends Dl4jPolicyContractTest {
  @Override
  DecoderConfig config() {
    return DjlLlamaPolicyContractTest.QWEN2;
  }
}
