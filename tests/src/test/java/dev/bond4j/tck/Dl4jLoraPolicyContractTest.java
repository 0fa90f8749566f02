package dev.bond4j.tck;

import dev.bond4j.spi.LoraSettings;

/**
 * The conformance suite against LoRA policies on the dl4j backend, GPT-2: rank 2 on every module; the
 * parameters the suite checks are the adapter's factors.
 */
class Dl4jLoraPolicyContractTest extends Dl4jPolicyContractTest {
  @Override
  LoraSettings lora() {
    return GPT2_LORA;
  }
}
