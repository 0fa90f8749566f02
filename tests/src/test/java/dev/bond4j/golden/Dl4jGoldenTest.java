package dev.bond4j.golden;

import dev.bond4j.dl4j.Dl4jSnapshot;
import dev.bond4j.model.Policy;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.TokenSequence;
import java.nio.file.Path;
import java.util.List;

/** The dl4j (ND4J SameDiff) backend against every golden fixture. */
class Dl4jGoldenTest extends GoldenFixtureContract {
  @Override
  Policy open(Path fixture) {
    return Dl4jSnapshot.load(fixture, BackendOptions.defaults());
  }

  @Override
  float[] logits(Policy model, List<TokenSequence> sequences) {
    return ((Dl4jSnapshot) model).logits(sequences);
  }
}
