package dev.bond4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import dev.bond4j.dsl.Bond;
import dev.bond4j.guice.BondModule;
import dev.bond4j.guice.OnnxModule;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.spi.Backend;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.ModelShape;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code backend: onnx} through Guice's {@link OnnxModule} and the fluent DSL: the module selects
 * the registered ONNX Runtime backend, whose trainable policy runs J-BOND steps.
 */
class OnnxBackendWiringTest {
  @Test
  void onnxModuleSelectsTheOnnxBackendWhosePolicyTrainsThroughTheDsl() throws Exception {
    Backend backend = Guice.createInjector(new BondModule(), new OnnxModule())
        .getInstance(Backend.class);
    assertThat(backend.name()).isEqualTo("onnx");
    TrainablePolicy policy = backend.create(ModelShape.builder().vocabularySize(8).eosToken(7)
        .contextLength(12).dModel(16).layers(1).heads(2).build(), BackendOptions.defaults(),
        OptimizerSettings.defaults(), 3);
    try (AutoCloseable closing = (AutoCloseable) policy) {
      Bond.jbond().policy(policy).reward(sequences -> new double[sequences.size()])
          .prompts(List.of(Prompt.of("a", TokenSequence.of(1, 2)),
              Prompt.of("b", TokenSequence.of(3))))
          .batchSize(2).maxNewTokens(4).steps(2).build().trainer().train(2);
      assertThat(policy.steps()).isEqualTo(2);
    }
  }
}
