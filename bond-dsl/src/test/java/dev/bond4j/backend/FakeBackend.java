package dev.bond4j.backend;

import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.spi.Backend;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.ModelShape;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.value.OptimizerSettings;
import java.nio.file.Path;

/**
 * A backend registered for tests through {@code META-INF/services}: it hands out tabular policies
 * over the shape's vocabulary, so discovery, Guice and the command line can be tested without an
 * engine.
 */
public final class FakeBackend implements Backend {
  @Override
  public String name() {
    return "fake";
  }

  @Override
  public TrainablePolicy create(ModelShape shape, BackendOptions options,
      OptimizerSettings optimizer, long seed) {
    return TabularPolicy.random(SequenceSpace.of(shape.vocabularySize(), shape.eosToken(), 3),
        1, 1.0, seed, optimizer);
  }

  @Override
  public TrainablePolicy load(Path directory, BackendOptions options,
      OptimizerSettings optimizer) {
    return TabularPolicy.random(SequenceSpace.of(3, 0, 3), 128, 1.0, 1, optimizer);
  }
}
