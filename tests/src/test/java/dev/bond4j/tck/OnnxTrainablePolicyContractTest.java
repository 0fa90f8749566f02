package dev.bond4j.tck;

import dev.bond4j.model.Policy;
import dev.bond4j.onnx.OnnxOptions;
import dev.bond4j.onnx.OnnxSnapshot;
import dev.bond4j.onnx.OnnxTrainablePolicy;
import dev.bond4j.value.OptimizerSettings;
import java.nio.file.Path;

/**
 * The full conformance suite, sampling and training, against ONNX Runtime's trainable policy
 * (generated training graphs), loaded by name as {@code backend: onnx}.
 */
class OnnxTrainablePolicyContractTest extends DecoderPolicyContract {
  @Override
  String backendName() {
    return "onnx";
  }

  @Override
  void saveInitial(long seed, Path directory) {
    try (OnnxTrainablePolicy initial = OnnxTrainablePolicy.create(config(), seed,
        OptimizerSettings.defaults(), OnnxOptions.cpu())) {
      initial.save(directory);
    }
  }

  @Override
  float[] parameters(Policy policy) {
    return policy instanceof OnnxTrainablePolicy trainable ? trainable.parameters()
        : ((OnnxSnapshot) policy).parameters();
  }
}
