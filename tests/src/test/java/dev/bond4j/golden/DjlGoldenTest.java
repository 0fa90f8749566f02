package dev.bond4j.golden;

import dev.bond4j.djl.DjlSnapshot;
import dev.bond4j.model.Policy;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.spi.BackendOptions;
import java.nio.file.Path;
import java.util.List;

/** The DJL backend against the golden fixture. */
class DjlGoldenTest extends GoldenFixtureContract {
  @Override
  Policy open(Path fixture) {
    return DjlSnapshot.load(fixture, BackendOptions.defaults());
  }

  @Override
  float[] logits(Policy model, List<TokenSequence> sequences) {
    return ((DjlSnapshot) model).logits(sequences);
  }
}
