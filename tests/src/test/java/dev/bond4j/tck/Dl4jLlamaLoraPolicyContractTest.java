package dev.bond4j.tck;

import dev.bond4j.spi.LoraSettings;

/**
 * The conformance suite against LoRA policies on the dl4j backend, Llama family (the Qwen2 shape of
 * {@link DjlLlamaPolicyContractTest}): rank 2 on every projection; the parameters the suite checks
 * are the adapter's factors.
 */
class Dl4jLlamaLoraPolicyContractTest extends Dl4jLlamaPolicyContractTest {
  @Override
  LoraSettings lora() {
    return LLAMA_LORA;
  }
}
