package dev.bond4j.dl4j;

import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.LoraCheckpoint;
import dev.bond4j.spi.Backend;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.ModelShape;
import dev.bond4j.value.OptimizerSettings;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The Deeplearning4j backend as a service named {@code dl4j}: decoder policies (GPT-2 and the
 * Llama family) on ND4J SameDiff. Registered in {@code META-INF/services/dev.bond4j.spi.Backend}.
 */
public final class Dl4jBackend implements Backend {
  @Override
  public String name() {
    return "dl4j";
  }

  @Override
  public TrainablePolicy create(ModelShape shape, BackendOptions options,
      OptimizerSettings optimizer, long seed) {
    DecoderConfig config = DecoderConfig.of(shape);
    return Dl4jPolicy.create(config, seed, optimizer, options.requireFp32(name()));
  }

  /**
   * A policy from a model folder, or from a PEFT adapter folder over the base it names; with
   * {@link BackendOptions#lora()} a model folder gets a fresh adapter (drawn from seed 0) to train.
   */
  @Override
  public TrainablePolicy load(Path directory, BackendOptions options,
      OptimizerSettings optimizer) {
    BackendOptions fp32 = options.requireFp32(name());
    if (fp32.lora().isPresent() && !LoraCheckpoint.isAdapter(directory)) {
      return Dl4jPolicy.withNewAdapter(directory, fp32.lora().get(), 0, optimizer, fp32);
    }
    return Dl4jPolicy.load(directory, optimizer, fp32);
  }

  /** The open arrays the backend allocated and closes: parameters, moments, caches, constants. */
  @Override
  public OptionalLong liveNativeObjects() {
    return OptionalLong.of(NdArrays.openOwned());
  }
}
