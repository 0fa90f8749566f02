package dev.bond4j.tck;

import dev.bond4j.dl4j.Dl4jPolicy;
import dev.bond4j.dl4j.Dl4jSnapshot;
import dev.bond4j.model.Policy;
import dev.bond4j.models.DecoderConfig;
import dev.bond4j.spi.LoraSettings;

/**
 * The conformance suite against LoRA policies on the dl4j backend, Llama family (the Qwen2 shape
 * of {@link DjlLlamaPolicyContractTest}): rank 2 on every projection.
 */
class Dl4jLlamaLoraPolicyContractTest extends Dl4jPolicyContractTest {
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
    return policy instanceof Dl4jPolicy trainable ? trainable.adapterParameters()
        : ((Dl4jSnapshot) policy).adapterParameters();
  }
}
