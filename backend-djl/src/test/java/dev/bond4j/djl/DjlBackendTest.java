package dev.bond4j.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.spi.Backend;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.ModelShape;
import dev.bond4j.value.OptimizerSettings;
import java.util.ServiceLoader;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

  @Test
  void setsNoDjlSystemPropertyWhenItStartsTheEngineAndTrains() {
    Map<String, String> before = djlProperties();
    try (DjlPolicy policy = DjlPolicy.create(DecoderConfig.gpt2(8, 8, 8, 1, 2), 3,
        OptimizerSettings.defaults(), BackendOptions.defaults())) {
      Prompt prompt = Prompt.of("p", TokenSequence.of(1));
      policy.update(List.of(WeightedSequence.of(policy.sample(List.of(prompt),
          SamplingSettings.training(3), 1).get(0), 1.0)));
    }
    assertThat(djlProperties()).isEqualTo(before);
  }

  /** The {@code ai.djl.*} system properties (DJL's own JNA sets {@code jna.*} ones). */
  private static Map<String, String> djlProperties() {
    Map<String, String> out = new TreeMap<>();
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("ai.djl."))
        .forEach(k -> out.put(k, System.getProperty(k)));
    return out;
  }
}
