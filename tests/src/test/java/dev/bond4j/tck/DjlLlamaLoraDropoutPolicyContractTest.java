package dev.bond4j.tck;

import dev.bond4j.spi.LoraSettings;

/**
 * The conformance suite against LoRA policies that train with dropout 0.1 on the djl backend,
 * Llama family (the Qwen2 shape of {@link DjlLlamaPolicyContractTest}): rank 2 on every
 * projection, so each fused query-key-value and gate-up tensor drops its modules' inputs with
 * separate masks. Micro-batching, snapshots, EMA and exact resume hold with dropout too.
 */
class DjlLlamaLoraDropoutPolicyContractTest extends DjlLlamaPolicyContractTest {
  @Override
  LoraSettings lora() {
    return withDropout(LLAMA_LORA, 0.1);
  }
}
