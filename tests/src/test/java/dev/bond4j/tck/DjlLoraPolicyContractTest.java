package dev.bond4j.tck;

import dev.bond4j.djl.DjlPolicy;
import dev.bond4j.djl.DjlSnapshot;
import dev.bond4j.model.Policy;
import dev.bond4j.spi.LoraSettings;

/**
 * The conformance suite against LoRA policies on the DJL backend, GPT-2: an adapter of rank 2 on
 * every module ({@code c_attn}, both {@code c_proj}, {@code c_fc}); the parameters the suite checks
 * are the adapter's factors.
 */
class DjlLoraPolicyContractTest extends DjlPolicyContractTest {
  @Override
  LoraSettings lora() {
    return LoraSettings.of(2, 4, "c_attn", "c_proj", "c_fc");
  }

  @Override
  float[] parameters(Policy policy) {
    return policy instanceof DjlPolicy trainable ? trainable.adapterParameters()
        : ((DjlSnapshot) policy).adapterParameters();
  }
}
