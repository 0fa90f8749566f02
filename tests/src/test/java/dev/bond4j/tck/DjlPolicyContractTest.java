package dev.bond4j.tck;

import dev.bond4j.djl.DjlPolicy;
import dev.bond4j.djl.DjlSnapshot;
import dev.bond4j.model.Policy;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.spi.BackendOptions;
import java.nio.file.Path;

/** The conformance suite against the DJL backend. */
class DjlPolicyContractTest extends DecoderPolicyContract {
  @Override
  String backendName() {
    return "djl";
  }

  @Override
  void saveInitial(long seed, Path directory) {
    try (DjlPolicy initial = DjlPolicy.create(config(), seed, OptimizerSettings.defaults(),
        BackendOptions.defaults())) {
      initial.save(directory);
    }
  }

  @Override
  float[] parameters(Policy policy) {
    return policy instanceof DjlPolicy trainable ? trainable.parameters()
        : ((DjlSnapshot) policy).parameters();
  }
}
