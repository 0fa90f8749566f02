package dev.bond4j.tck;

import dev.bond4j.model.Policy;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderPolicy;
import dev.bond4j.decoder.SafeTensor;
import dev.bond4j.decoder.SafeTensors;
import dev.bond4j.spi.Backend;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.LoraSettings;
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
import java.util.OptionalLong;
import java.util.ServiceLoader;

/**
 * The conformance suite against a decoder engine backend: by default a two-layer GPT-2 over four
 * token ids (EOS 3); subclasses may run another shape ({@link #config()}), whose weights are scaled up from GPT-2's initialisation so that its next-token
 * distributions are far from uniform. Prompts of one and two tokens make every batch
 * left-padded. The backend is loaded by name through the {@link Backend} service; a subclass
 * says how to write the initial checkpoint and read parameters back.
 */
abstract class DecoderPolicyContract extends PolicyContract {
  static final DecoderConfig CONFIG = DecoderConfig.gpt2(4, 8, 16, 2, 2, 32, 1e-5, "gelu_new", 3);
  /** Prompts of one and two tokens, so that every batch is left-padded. */
  static final List<Prompt> PROMPTS = List.of(Prompt.of("short", TokenSequence.of(1)),
      Prompt.of("long", TokenSequence.of(0, 2)));
  static final SequenceSpace SPACE = SequenceSpace.of(4, 3, 3);
  private static final float SCALE = 25f;

  /** The seed of the base model every LoRA policy of the suite shares. */
  static final long LORA_BASE_SEED = 1;
  /** Rank 2 on every GPT-2 module. */
  static final LoraSettings GPT2_LORA = LoraSettings.of(2, 4, "c_attn", "c_proj", "c_fc");
  /**
   * Rank 2 on every Llama-family projection, so the fused query-key-value and gate-up tensors
   * carry three and two separate PEFT adapters.
   */
  static final LoraSettings LLAMA_LORA = LoraSettings.of(2, 4, "q_proj", "k_proj", "v_proj",
      "o_proj", "gate_proj", "up_proj", "down_proj");

  /** {@code settings} with PEFT's dropout {@code dropout}, which acts while the suite's updates train. */
  static LoraSettings withDropout(LoraSettings settings, double dropout) {
    return new LoraSettings(settings.rank(), settings.alpha(), dropout, settings.targetModules(),
        settings.modulesToSave());
  }

  /**
   * When not null, the suite runs LoRA policies of these settings: every seed's policy is a random
   * adapter (non-zero {@code B}, so that it differs from the base) over one shared base model, read
   * from a PEFT adapter folder, and {@link #parameters} are the adapter's factors.
   */
  LoraSettings lora() {
    return null;
  }

  @Override
  protected boolean dropsWhileTraining() {
    return lora() != null && lora().dropout() > 0;
  }

  /** The model shape the suite runs; GPT-2 unless a subclass says otherwise. */
  DecoderConfig config() {
    return CONFIG;
  }

  /** The backend's service name. */
  abstract String backendName();

  /** Writes a freshly initialised policy of {@link #config()} to {@code directory}. */
  abstract void saveInitial(long seed, Path directory);

  /** The parameters of a policy or snapshot of this backend. */
  abstract float[] parameters(Policy policy);

  /** What the suite checks: {@link #parameters}, or the adapter's factors of a LoRA policy. */
  private float[] checked(Policy policy) {
    return lora() == null ? parameters(policy)
        : ((DecoderPolicy<?>) policy).adapterParameters();
  }

  @Override
  protected PolicyBackend backend() {
    Backend engine = ServiceLoader.load(Backend.class).stream().map(ServiceLoader.Provider::get)
        .filter(b -> b.name().equals(backendName())).findFirst().orElseThrow();
    return new PolicyBackend() {
      @Override
      public TrainablePolicy create(long seed, OptimizerSettings settings) {
        if (lora() == null) {
          return ModelFolders.loaded(backendName(), directory -> sharpen(seed, directory),
              directory -> engine.load(directory, BackendOptions.defaults(), settings));
        }
        return ModelFolders.loaded(backendName(), directory -> {
          sharpen(LORA_BASE_SEED, directory.resolve("base"));
          LoraAdapterFolders.writeRandom(config(), lora(), seed, "../base",
              directory.resolve("adapter"));
        }, directory -> engine.load(directory.resolve("adapter"), BackendOptions.defaults(),
            settings));
      }

      @Override
      public List<Prompt> prompts() {
        return PROMPTS;
      }

      @Override
      public SequenceSpace space() {
        return SPACE;
      }

      @Override
      public double[] parameters(Policy policy) {
        float[] values = checked(policy);
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

      @Override
      public OptionalLong liveNativeObjects() {
        return engine.liveNativeObjects();
      }
    };
  }

  /** Writes GPT-2's initialisation with every weight matrix scaled up, as a HuggingFace folder. */
  private void sharpen(long seed, Path directory) throws IOException {
    Files.createDirectories(directory);
    saveInitial(seed, directory);
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
    Files.deleteIfExists(directory.resolve("optimizer.safetensors"));
    new SafeTensors(scaled, Map.of()).write(modelFile);
  }
}
