package dev.bond4j.tck;

import dev.bond4j.spi.LoraSettings;

/**
 * The conformance suite against LoRA policies that train with dropout 0.1 on the dl4j backend,
 * GPT-2: rank 2 on every module and the tied {@code lm_head} saved. Micro-batching, snapshots,
 * EMA and exact resume hold with dropout too.
 */
class Dl4jLoraDropoutPolicyContractTest extends Dl4jPolicyContractTest {
  @Override
  LoraSettings lora() {
    return withDropout(GPT2_LORA, 0.1).withModulesToSave("lm_head");
  }
}
