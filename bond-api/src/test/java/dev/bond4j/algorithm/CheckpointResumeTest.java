package dev.bond4j.algorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.testbed.TabularSnapshot;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run checkpointed and resumed continues exactly as if it had never stopped. */
class CheckpointResumeTest {
  private final SequenceSpace space = SequenceSpace.of(4, 0, 3);
  private final TabularReward reward = TabularReward.randomLevels(space, 2, 7, 3);
  private final List<Prompt> prompts = List.of(TabularPolicy.prompt(0), TabularPolicy.prompt(1));
  private final OptimizerSettings optimizer = OptimizerSettings.builder().learningRate(0.05)
      .warmupSteps(3).build();
  private final TrainingSettings settings = TrainingSettings.builder().batchSize(4)
      .maxNewTokens(3).seed(11).build();

  private void resumesExactly(Function<TabularPolicy, Trainer> factory, Path dir) {
    TabularPolicy uninterrupted = TabularPolicy.random(space, 2, 1.0, 5, optimizer);
    Trainer first = factory.apply(uninterrupted);
    first.train(7);
    Path checkpoint = first.checkpoint(dir);
    first.train(5);

    TabularPolicy restarted = TabularPolicy.random(space, 2, 1.0, 5, optimizer);
    Trainer second = factory.apply(restarted);
    second.resume(dir);
    assertThat(second.steps()).isEqualTo(7);
    second.train(5);
    assertThat(restarted.parameters()).containsExactly(uninterrupted.parameters());
    assertThat(checkpoint.getFileName().toString()).isEqualTo("step-7");
    assertThat(Files.exists(dir.resolve("step-7.tmp"))).isFalse();
  }

  @Test
  void jBondWithItsEmaAnchorResumesExactly(@TempDir Path dir) {
    resumesExactly(p -> Algorithms.jBond(p, p.snapshot(), reward, prompts, 0.5, 0.1, 0.2,
        settings), dir);
  }

  @Test
  void reinforceResumesExactly(@TempDir Path dir) {
    resumesExactly(p -> Algorithms.reinforceLoo(p, p.snapshot(), reward, prompts, 2, 0.1,
        settings), dir);
  }

  @Test
  void theLatestCheckpointWinsAndAnotherSeedIsRefused(@TempDir Path dir) {
    TabularPolicy policy = TabularPolicy.random(space, 2, 1.0, 5, optimizer);
    TabularSnapshot reference = policy.snapshot();
    Trainer trainer = Algorithms.jBond(policy, reference, reward, prompts, 0.5, 0.1, 0, settings);
    trainer.train(2);
    trainer.checkpoint(dir);
    trainer.train(2);
    trainer.checkpoint(dir);
    Trainer other = Algorithms.jBond(TabularPolicy.random(space, 2, 1.0, 5, optimizer), reference,
        reward, prompts, 0.5, 0.1, 0, settings);
    other.resume(dir);
    assertThat(other.steps()).isEqualTo(4);
    Trainer reseeded = Algorithms.jBond(TabularPolicy.random(space, 2, 1.0, 5, optimizer),
        reference, reward, prompts, 0.5, 0.1, 0, settings.toBuilder().seed(12).build());
    assertThatThrownBy(() -> reseeded.resume(dir)).hasMessageContaining("seed = \"12\" (expected the checkpoint's 11)");
    assertThatThrownBy(() -> reseeded.resume(dir.resolve("absent")))
        .hasMessageContaining("No intact checkpoint");
  }
}
