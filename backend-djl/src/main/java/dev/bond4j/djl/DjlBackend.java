package dev.bond4j.djl;

import ai.djl.ndarray.NDManager;
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
 * The DJL backend as a service named {@code djl}: decoder policies (GPT-2 and the Llama family)
 * on DJL's PyTorch engine.
 * Registered in {@code META-INF/services/dev.bond4j.spi.Backend}.
 */
public final class DjlBackend implements Backend {
  @Override
  public String name() {
    return "djl";
  }

  @Override
  public TrainablePolicy create(ModelShape shape, BackendOptions options,
      OptimizerSettings optimizer, long seed) {
    DecoderConfig config = DecoderConfig.of(shape);
    return DjlPolicy.create(config, seed, optimizer, options);
  }

  @Override
  public TrainablePolicy load(Path directory, BackendOptions options,
      OptimizerSettings optimizer) {
    if (options.lora().isPresent() && !LoraCheckpoint.isAdapter(directory)) {
      return DjlPolicy.withNewAdapter(directory, options.lora().get(), 0, optimizer, options);
    }
    return DjlPolicy.load(directory, optimizer, options);
  }

  /** The arrays every open manager of the PyTorch engine holds (DJL's own accounting). */
  @Override
  public OptionalLong liveNativeObjects() {
    try (NDManager probe = DjlRuntime.engine().newBaseManager()) {
      return OptionalLong.of(probe.getParentManager().getManagedArrays().size());
    }
  }
}
