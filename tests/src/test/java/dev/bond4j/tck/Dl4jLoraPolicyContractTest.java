package dev.bond4j.tck;

import dev.bond4j.dl4j.Dl4jPolicy;
import dev.bond4j.dl4j.Dl4jSnapshot;
import dev.bond4j.model.Policy;
import dev.bond4j.spi.LoraSettings;

/**
 * The conformance suite against LoRA policies on the dl4j backend, GPT-2: an adapter of rank 2 on
 * every module; the parameters the suite checks are the adapter's factors.
 */
class Dl4jLoraPolicyContractTest extends Dl4jPolicyContractTest {
  @Override
  LoraSettings lora() {
    return LoraSettings.of(2, 4, "c_attn", "c_proj", "c_fc");
  }

  @Override
  float[] parameters(Policy policy) {
    return policy instanceof Dl4jPolicy trainable ? trainable.adapterParameters()
        : ((Dl4jSnapshot) policy).adapterParameters();
  }
}
