package dev.bond4j.tck;

import dev.bond4j.BondException;
import dev.bond4j.dl4j.Dl4jPolicy;
import dev.bond4j.dl4j.Dl4jSnapshot;
import dev.bond4j.model.Policy;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.models.Gpt2Config;
import dev.bond4j.models.SafeTensor;
import dev.bond4j.models.SafeTensors;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conformance suite against the dl4j (ND4J SameDiff) backend: a two-layer GPT-2 over four token ids (EOS 3),
 * whose weights are scaled up from GPT-2's initialisation so that its next-token distributions are
 * far from uniform. Prompts of one and two tokens make every batch left-padded.
 */
class Dl4jPolicyContractTest extends PolicyContract {
  private static final Gpt2Config CONFIG =
      new Gpt2Config(4, 8, 16, 2, 2, 32, 1e-5, "gelu_new", 3);
  private static final SequenceSpace SPACE = SequenceSpace.of(4, 3, 3);
  private static final float SCALE = 25f;

  @Override
  protected PolicyBackend backend() {
    return new PolicyBackend() {
      @Override
      public TrainablePolicy create(long seed, OptimizerSettings settings) {
        Path directory = sharpenedCheckpoint(seed);
        return Dl4jPolicy.load(directory, settings, BackendOptions.defaults());
      }

      @Override
      public List<Prompt> prompts() {
        return List.of(Prompt.of("short", TokenSequence.of(1)),
            Prompt.of("long", TokenSequence.of(0, 2)));
      }

      @Override
      public SequenceSpace space() {
        return SPACE;
      }

      @Override
      public double[] parameters(Policy policy) {
        float[] values = policy instanceof Dl4jPolicy trainable ? trainable.parameters()
            : ((Dl4jSnapshot) policy).parameters();
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
          out[i] = values[i];
        }
        return out;
      }

      @Override
      public double tolerance() {
        return 2e-5;
      }
    };
  }

  /** A HuggingFace folder holding GPT-2's initialisation with every weight matrix scaled up. */
  private static Path sharpenedCheckpoint(long seed) {
    try {
      Path directory = Files.createTempDirectory("bond4j-tck-dl4j");
      try (Dl4jPolicy initial = Dl4jPolicy.create(CONFIG, seed, OptimizerSettings.defaults(),
          BackendOptions.defaults())) {
        initial.save(directory);
      }
      Path modelFile = directory.resolve("model.safetensors");
      SafeTensors model = SafeTensors.read(modelFile);
      Map<String, SafeTensor> scaled = new LinkedHashMap<>();
      model.tensors().forEach((name, tensor) -> {
        float[] values = tensor.toFloats();
        if (tensor.shape().length == 2) {
          for (int i = 0; i < values.length; i++) {
            values[i] *= SCALE;
          }
        }
        scaled.put(name, SafeTensor.ofFloats(tensor.shape(), values));
      });
      Files.delete(directory.resolve("optimizer.safetensors"));
      new SafeTensors(scaled, Map.of()).write(modelFile);
      return directory;
    } catch (IOException e) {
      throw new BondException("Cannot prepare the test checkpoint: " + e, e);
    }
  }
}
