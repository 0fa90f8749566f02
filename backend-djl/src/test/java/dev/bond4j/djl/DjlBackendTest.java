package dev.bond4j.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.models.DecoderConfig;
import dev.bond4j.spi.Backend;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.ModelShape;
import dev.bond4j.value.OptimizerSettings;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class DjlBackendTest {
  @Test
  void isFoundByNameAndMakesPoliciesOfTheRequestedShape() throws Exception {
    Backend backend = ServiceLoader.load(Backend.class).stream().map(ServiceLoader.Provider::get)
        .filter(b -> b.name().equals("djl")).findFirst().orElseThrow();
    ModelShape shape = ModelShape.builder().vocabularySize(30).eosToken(29).contextLength(16)
        .dModel(24).layers(1).heads(3).build();
    TrainablePolicy policy = backend.create(shape, BackendOptions.defaults(),
        OptimizerSettings.defaults(), 5);
    try (DjlPolicy djl = (DjlPolicy) policy) {
      assertThat(djl.config()).isEqualTo(DecoderConfig.gpt2(30, 16, 24, 1, 3, 96, 1e-5, "gelu_new",
          29));
      assertThat(djl.eosToken()).isEqualTo(29);
    }
  }
}
