package dev.bond4j.golden;

import dev.bond4j.dl4j.Dl4jPolicy;
import dev.bond4j.dl4j.Dl4jSnapshot;
import dev.bond4j.decoder.DecoderPolicy;
import dev.bond4j.decoder.TrainableDecoderPolicy;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.OptimizerSettings;
import java.nio.file.Path;

/** The LoRA golden fixtures on the dl4j backend. */
class Dl4jLoraGoldenTest extends LoraGoldenContract {
  @Override
  DecoderPolicy<?> open(Path folder) {
    return Dl4jSnapshot.load(folder, BackendOptions.defaults());
  }

  @Override
  TrainableDecoderPolicy<?> openTrainable(Path folder, OptimizerSettings settings) {
    return Dl4jPolicy.load(folder, settings, BackendOptions.defaults());
  }
}
