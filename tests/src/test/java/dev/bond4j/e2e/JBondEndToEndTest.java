package dev.bond4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.Metrics;
import dev.bond4j.algorithm.MetricsRecorder;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.spi.Backend;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.ModelShape;
import dev.bond4j.spi.Precision;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.TokenSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seeded J-BOND (SPEC S7) with each trainable engine backend, found by name through the {@link
 * Backend} service, on a tiny GPT-2 and a programmatic reward (how often token 0 appears): over
 * 100 steps the mean reward of policy samples rises and {@code KL(π‖π_ref)} stays finite and
 * grows, each by more than four standard errors of the run's own 20-step windows. DJL runs it in
 * float32 and in bf16 mixed precision.
 */
class JBondEndToEndTest {
  private static final int STEPS = 100;
  private static final int WINDOW = 20;

  /** The number of times token 0 occurs in the completion. */
  static final RewardModel ZEROS = sequences -> {
    double[] rewards = new double[sequences.size()];
    for (int i = 0; i < rewards.length; i++) {
      PromptedSequence s = sequences.get(i);
      for (int t = 0; t < s.completion().length(); t++) {
        rewards[i] += s.completion().get(t) == 0 ? 1 : 0;
      }
    }
    return rewards;
  };

  static Backend backend(String name) {
    return ServiceLoader.load(Backend.class).stream().map(ServiceLoader.Provider::get)
        .filter(b -> b.name().equals(name)).findFirst().orElseThrow();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"djl, fp32", "djl, bf16", "dl4j, fp32", "onnx, fp32"})
  void jBondRaisesTheRewardWhileKlFromTheReferenceGrows(String name, String precision)
      throws Exception {
    MetricsRecorder metrics = run(name, precision, STEPS);
    double[] reward = metrics.series(Metrics.REWARD_MEAN);
    double[] kl = metrics.series(Metrics.KL_REF);
    assertThat(reward).hasSize(STEPS);
    assertThat(Arrays.stream(kl).allMatch(Double::isFinite)).isTrue();

    double[] first = Arrays.copyOfRange(reward, 0, WINDOW);
    double[] last = Arrays.copyOfRange(reward, STEPS - WINDOW, STEPS);
    double standardError = Math.sqrt(variance(first) / WINDOW + variance(last) / WINDOW);
    assertThat(mean(last) - mean(first)).as("reward gain, standard error %s", standardError)
        .isGreaterThan(4 * standardError);

    double[] klFirst = Arrays.copyOfRange(kl, 0, WINDOW);
    double[] klLast = Arrays.copyOfRange(kl, STEPS - WINDOW, STEPS);
    double klError = Math.sqrt(variance(klFirst) / WINDOW + variance(klLast) / WINDOW);
    assertThat(mean(klLast) - mean(klFirst)).as("KL growth, standard error %s", klError)
        .isGreaterThan(4 * klError);
  }

  /**
   * The metrics of {@code steps} seeded J-BOND steps of the tiny GPT-2 on backend {@code name} in
   * {@code precision}.
   */
  static MetricsRecorder run(String name, String precision, int steps) throws Exception {
    ModelShape shape = ModelShape.builder().vocabularySize(8).eosToken(7).contextLength(16)
        .dModel(32).layers(2).heads(4).build();
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      prompts.add(Prompt.of("p" + i, TokenSequence.of(1 + i % 6, 1 + (i * 5) % 6)));
    }
    MetricsRecorder metrics = new MetricsRecorder();
    try (TrainablePolicy policy = backend(name).create(shape,
            BackendOptions.builder().precision(Precision.parse(precision)).build(),
            OptimizerSettings.builder().learningRate(3e-3).build(), 11);
        PolicySnapshot reference = policy.snapshot();
        Trainer trainer = Algorithms.jBond(policy, reference, ZEROS, prompts, 0.5, 0.02, 0.0,
            TrainingSettings.builder().batchSize(16).maxNewTokens(8).seed(3).build())) {
      trainer.addListener(metrics);
      trainer.train(steps);
    }
    return metrics;
  }

  private static double mean(double[] values) {
    return Arrays.stream(values).average().orElseThrow();
  }

  private static double variance(double[] values) {
    double mean = mean(values);
    return Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / (values.length - 1);
  }
}
