package dev.bond4j.golden;

import dev.bond4j.djl.DjlPolicy;
import dev.bond4j.djl.DjlSnapshot;
import dev.bond4j.decoder.TrainableDecoderPolicy;
import dev.bond4j.decoder.DecoderPolicy;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.OptimizerSettings;
import java.nio.file.Path;

/** The LoRA golden fixtures on the DJL backend. */
class DjlLoraGoldenTest extends LoraGoldenContract {
  @Override
  DecoderPolicy<?> open(Path folder) {
    return DjlSnapshot.load(folder, BackendOptions.defaults());
  }

  @Override
  TrainableDecoderPolicy<?> openTrainable(Path folder, OptimizerSettings settings) {
    return DjlPolicy.load(folder, settings, BackendOptions.defaults());
  }
}
