package dev.bond4j.tck;

import dev.bond4j.dl4j.Dl4jPolicy;
import dev.bond4j.dl4j.Dl4jSnapshot;
import dev.bond4j.model.Policy;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.OptimizerSettings;
import java.nio.file.Path;

/** The conformance suite against the dl4j (ND4J SameDiff) backend. */
class Dl4jPolicyContractTest extends DecoderPolicyContract {
  @Override
  String backendName() {
    return "dl4j";
  }

  @Override
  void saveInitial(long seed, Path directory) {
    try (Dl4jPolicy initial = Dl4jPolicy.create(config(), seed, OptimizerSettings.defaults(),
        BackendOptions.defaults())) {
      initial.save(directory);
    }
  }

  @Override
  float[] parameters(Policy policy) {
    return policy instanceof Dl4jPolicy trainable ? trainable.parameters()
        : ((Dl4jSnapshot) policy).parameters();
  }
}
