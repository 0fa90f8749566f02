package dev.bond4j.algorithm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.divergence.Divergence;
import dev.bond4j.quantile.MonteCarloQuantileEstimator;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.testbed.TabularSnapshot;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.StepReport;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The step pipeline computes bit for bit what the single {@code runStep} method before it did:
 * every metric but the timings, in the same order, and the parameters after six steps of each
 * algorithm, hashed. The digest was taken from the code before the pipeline was split into
 * stages; any change in arithmetic, order of random draws or metric order changes it.
 */
class StepPipelineGoldenTest {
  private static final String BEFORE_THE_PIPELINE =
      "e5a2879bfb13a65b0e0acfc8581500b6692e47e5063699bb8ac03bb4b743db26";

  @Test
  void everyAlgorithmComputesExactlyWhatItDidBeforeTheStagesWereNamed() {
    SequenceSpace space = SequenceSpace.of(4, 0, 3);
    TabularReward reward = TabularReward.randomLevels(space, 2, 7, 3);
    List<Prompt> prompts = List.of(TabularPolicy.prompt(0), TabularPolicy.prompt(1));
    OptimizerSettings optimizer = OptimizerSettings.builder().learningRate(0.05).warmupSteps(2)
        .build();
    TrainingSettings settings = TrainingSettings.builder().batchSize(4).maxNewTokens(3).seed(11)
        .build();
    StringBuilder out = new StringBuilder();
    for (int algorithm = 0; algorithm < 6; algorithm++) {
      TabularPolicy policy = TabularPolicy.random(space, 2, 1.0, 5, optimizer);
      TabularSnapshot reference = policy.snapshot();
      Trainer trainer = switch (algorithm) {
        case 0 -> Algorithms.jBond(policy, reference, reward, prompts, 0.5, 0.1, 0.2, settings);
        case 1 -> Algorithms.jBondPeriodic(policy, reference, reward, prompts, 0.5, 2, 0.1,
            settings);
        case 2 -> Algorithms.bond(policy, reference, reward, prompts, 4, Divergence.jeffreys(0.3),
            MonteCarloQuantileEstimator.smoothed(4), settings);
        case 3 -> Algorithms.vBoN(policy, reference, reward, prompts, 4, new TwoSampleEstimate(),
            settings);
        case 4 -> Algorithms.bestOfNSft(policy, reference, reward, prompts, 4, settings);
        default -> Algorithms.reinforceLoo(policy, reference, reward, prompts, 3, 0.1, settings);
      };
      for (int i = 0; i < 6; i++) {
        StepReport report = trainer.step();
        out.append(algorithm).append(' ').append(report.step());
        report.metrics().forEach((key, value) -> {
          if (!key.startsWith("time/") && !key.startsWith("throughput/")) {
            out.append(' ').append(key).append('=').append(value);
          }
        });
        out.append('\n');
      }
      out.append(Arrays.toString(policy.parameters())).append('\n');
    }
    assertThat(Sha256.ofText(out.toString())).as(out.toString()).isEqualTo(BEFORE_THE_PIPELINE);
  }
}
