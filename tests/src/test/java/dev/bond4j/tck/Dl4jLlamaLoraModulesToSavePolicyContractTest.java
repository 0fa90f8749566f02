package dev.bond4j.tck;

import dev.bond4j.spi.LoraSettings;

/**
 * The conformance suite against LoRA policies with PEFT's {@code modules_to_save} on the dl4j
 * backend, Llama family (untied head): rank 2 on every projection and trainable copies of {@code embed_tokens} and {@code lm_head}; the parameters the suite checks are the adapter's factors and copies.
 */
class Dl4jLlamaLoraModulesToSavePolicyContractTest extends Dl4jLlamaPolicyContractTest {
  @Override
  LoraSettings lora() {
    return LLAMA_LORA.withModulesToSave("embed_tokens", "lm_head");
  }
}
