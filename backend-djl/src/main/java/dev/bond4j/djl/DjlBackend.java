package dev.bond4j.djl;

import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.models.DecoderConfig;
import dev.bond4j.models.LoraCheckpoint;
import dev.bond4j.spi.Backend;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.ModelShape;
import dev.bond4j.value.OptimizerSettings;
import java.nio.file.Path;

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
    return DjlPolicy.create(config, seed, optimizer, options(options));
  }

  /**
   * A policy from a model folder, or from a PEFT adapter folder over the base it names; with
   * {@link BackendOptions#lora()} a model folder gets a fresh adapter (drawn from seed 0) to train.
   */
  @Override
  public TrainablePolicy load(Path directory, BackendOptions options,
      OptimizerSettings optimizer) {
    if (options.lora().isPresent() && !LoraCheckpoint.isAdapter(directory)) {
      return DjlPolicy.withNewAdapter(directory, options.lora().get(), 0, optimizer,
          options(options));
    }
    return DjlPolicy.load(directory, optimizer, options(options));
  }

  private static DjlOptions options(BackendOptions options) {
    return new DjlOptions(options.device(), options.threads(), options.precision());
  }
}
