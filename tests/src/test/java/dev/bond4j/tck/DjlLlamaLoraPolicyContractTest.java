package dev.bond4j.tck;

import dev.bond4j.djl.DjlPolicy;
import dev.bond4j.djl.DjlSnapshot;
import dev.bond4j.model.Policy;
import dev.bond4j.models.DecoderConfig;
import dev.bond4j.spi.LoraSettings;

/**
 * The conformance suite against LoRA policies on the DJL backend, Llama family (the Qwen2 shape of
 * {@link DjlLlamaPolicyContractTest}): rank 2 on every projection, so the fused query-key-value
 * and gate-up tensors carry three and two separate PEFT adapters.
 */
class DjlLlamaLoraPolicyContractTest extends DjlPolicyContractTest {
  @Override
  DecoderConfig config() {
    return DjlLlamaPolicyContractTest.QWEN2;
  }

  @Override
  LoraSettings lora() {
    return LoraSettings.of(2, 4, "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
        "down_proj");
  }

  @Override
  float[] parameters(Policy policy) {
    return policy instanceof DjlPolicy trainable ? trainable.adapterParameters()
        : ((DjlSnapshot) policy).adapterParameters();
  }
}
