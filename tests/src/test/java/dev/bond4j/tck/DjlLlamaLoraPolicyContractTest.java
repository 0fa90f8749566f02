package dev.bond4j.tck;

import dev.bond4j.spi.LoraSettings;

/**
 * The conformance suite against LoRA policies on the djl backend, Llama family (the Qwen2 shape of
 * {@link DjlLlamaPolicyContractTest}): rank 2 on every projection; the parameters the suite checks
 * are the adapter's factors.
 */
class DjlLlamaLoraPolicyContractTest extends DjlLlamaPolicyContractTest {
  @Override
  LoraSettings lora() {
    return LLAMA_LORA;
  }
}
