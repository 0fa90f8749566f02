package dev.bond4j.tck;

import dev.bond4j.spi.LoraSettings;

/**
 * The conformance suite against LoRA policies with PEFT's {@code modules_to_save} on the djl
 * backend, GPT-2: rank 2 on every module and a trainable copy of the tied embedding and head ({@code lm_head}); the parameters the suite checks are the adapter's factors and copies.
 */
class DjlLoraModulesToSavePolicyContractTest extends DjlPolicyContractTest {
  @Override
  LoraSettings lora() {
    return GPT2_LORA.withModulesToSave("lm_head");
  }
}
