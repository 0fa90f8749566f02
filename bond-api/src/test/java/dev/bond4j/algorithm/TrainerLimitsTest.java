package dev.bond4j.algorithm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs that cannot fit are refused when the trainer is built, before anything is allocated. */
class TrainerLimitsTest {
  private final SequenceSpace space = SequenceSpace.of(4, 0, 3);
  private final TabularPolicy policy = TabularPolicy.random(space, 2, 1.0, 1,
      OptimizerSettings.defaults());
  private final TabularReward reward = TabularReward.randomLevels(space, 2, 7, 3);
  private final List<Prompt> prompts = List.of(TabularPolicy.prompt(0), TabularPolicy.prompt(1));

  @Test
  void aBatchBeyondTheHeapIsRefusedWithBothFigures() {
    TrainingSettings huge = TrainingSettings.builder().batchSize(1_000_000_000).maxNewTokens(3)
        .build();
    assertThatThrownBy(() -> Algorithms.jBond(policy, policy.snapshot(), reward, prompts, 0.5,
        0.1, 0, huge)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("batchSize = 1000000000 (expected a value for which 3000000000"
            + " sequences fits in memory: it needs an estimated")
        .hasMessageContaining("of Java heap, the JVM allows");
    assertThatThrownBy(() -> Algorithms.reinforceLoo(policy, policy, reward, prompts, 4, 0.1,
        huge)).hasMessageContaining("4000000000 sequences");
  }

  @Test
  void completionsBeyondTheContextAreRefusedNotClamped() {
    TrainingSettings tooLong = TrainingSettings.builder().batchSize(2).maxNewTokens(4).build();
    assertThatThrownBy(() -> Algorithms.jBond(policy, policy.snapshot(), reward, prompts, 0.5,
        0.1, 0, tooLong)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("maxNewTokens = 4 (expected at most 3: the policy's context of 4"
            + " tokens minus the longest prompt's 1)");
  }

  @Test
  void threadsAreBoundedByTheProcessors() {
    int limit = 4 * Runtime.getRuntime().availableProcessors();
    assertThatThrownBy(() -> BackendOptions.builder().threads(100_000).build())
        .hasMessageContaining("threads = 100000 (expected an integer in [1, " + limit + "]");
    assertThatThrownBy(() -> BackendOptions.builder().threads(0).build())
        .hasMessageContaining("threads = 0");
  }
}
