package dev.bond4j.tck;

import dev.bond4j.spi.LoraSettings;

/**
 * The conformance suite against LoRA policies on the djl backend, GPT-2: rank 2 on every module; the
 * parameters the suite checks are the adapter's factors.
 */
class DjlLoraPolicyContractTest extends DjlPolicyContractTest {
  @Override
  LoraSettings lora() {
    return GPT2_LORA;
  }
}
