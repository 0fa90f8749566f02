package dev.bond4j.tck;

import dev.bond4j.spi.LoraSettings;

/**
 * The conformance suite against LoRA policies that train with dropout 0.1 on the dl4j backend,
 * Llama family (the Qwen2 shape of {@link Dl4jLlamaPolicyContractTest}): rank 2 on every
 * projection, so each fused query-key-value and gate-up tensor drops its modules' inputs with
 * separate masks. Micro-batching, snapshots, EMA and exact resume hold with dropout too.
 */
class Dl4jLlamaLoraDropoutPolicyContractTest extends Dl4jLlamaPolicyContractTest {
  @Override
  LoraSettings lora() {
    return withDropout(LLAMA_LORA, 0.1);
  }
}
