package dev.bond4j.algorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash safety of checkpoints: a crash in any phase of a write, a pointer to a deleted folder and
 * a flipped bit all leave a run that resumes from the newest intact checkpoint, exactly.
 */
class CheckpointStoreTest {
  private final SequenceSpace space = SequenceSpace.of(4, 0, 3);
  private final TabularReward reward = TabularReward.randomLevels(space, 2, 7, 3);
  private final List<Prompt> prompts =
      List.of(TabularPolicy.prompt(0), TabularPolicy.prompt(1));
  private final OptimizerSettings optimizer = OptimizerSettings.builder().learningRate(0.05)
      .build();
  private final TrainingSettings settings = TrainingSettings.builder().batchSize(4)
      .maxNewTokens(3).seed(5).build();

  /** Stands for a kill: nothing after it runs. */
  private static final class Crash extends Error {
    private static final long serialVersionUID = 1L;
  }

  private TabularPolicy policy() {
    return TabularPolicy.random(space, 2, 1.0, 3, optimizer);
  }

  private Trainer trainer(TabularPolicy policy) {
    return Algorithms.jBond(policy, policy.snapshot(), reward, prompts, 0.5, 0.1, 0.1, settings);
  }

  private double[] uninterrupted(int steps) {
    TabularPolicy policy = policy();
    trainer(policy).train(steps);
    return policy.parameters();
  }

  /** Checkpoints a run into {@code dir} after steps 2 and 4; returns the newest folder. */
  private Path checkpointsAfterSteps2And4(Path dir) {
    Trainer first = trainer(policy());
    first.train(2);
    first.checkpoint(dir);
    first.train(2);
    return first.checkpoint(dir);
  }

  private static TrainingListener crashAt(long step, CheckpointPhase phase) {
    return new TrainingListener() {
      @Override
      public void onCheckpoint(long at, CheckpointPhase reached) {
        if (at == step && reached == phase) {
          throw new Crash();
        }
      }
    };
  }

  @ParameterizedTest
  @EnumSource(CheckpointPhase.class)
  void aCrashInAnyPhaseOfANewCheckpointLeavesAnExactResume(CheckpointPhase phase,
      @TempDir Path dir) {
    Trainer first = trainer(policy());
    first.addListener(crashAt(4, phase));
    first.train(2);
    first.checkpoint(dir);
    first.train(2);
    assertThatThrownBy(() -> first.checkpoint(dir)).isInstanceOf(Crash.class);

    TabularPolicy restarted = policy();
    Trainer second = trainer(restarted);
    CheckpointStore.Found found = second.resume(dir);
    assertThat(found.step()).isIn(2L, 4L);
    assertThat(found.damaged()).isEmpty();
    second.train(6 - (int) found.step());
    assertThat(restarted.parameters()).containsExactly(uninterrupted(6));
  }

  @ParameterizedTest
  @EnumSource(CheckpointPhase.class)
  void aCrashWhileRewritingTheNewestStepKeepsIt(CheckpointPhase phase, @TempDir Path dir) {
    Trainer first = trainer(policy());
    first.train(3);
    first.checkpoint(dir);
    first.addListener(crashAt(3, phase));
    try {
      first.checkpoint(dir);
    } catch (Crash expected) {
      // the kill of the final checkpoint, on the step the periodic one just wrote
    }
    assertThat(dir.resolve("step-3")).isDirectory();
    Trainer second = trainer(policy());
    assertThat(second.resume(dir).step()).isEqualTo(3);
  }

  @Test
  void aPointerToADeletedFolderFallsBackToTheNewestIntactOne(@TempDir Path dir)
      throws IOException {
    checkpointsAfterSteps2And4(dir);
    deleteTree(dir.resolve("step-4"));
    Files.createDirectories(dir.resolve("step-4"));

    TabularPolicy restarted = policy();
    Trainer second = trainer(restarted);
    CheckpointStore.Found found = second.resume(dir);
    assertThat(found.step()).isEqualTo(2);
    assertThat(found.damaged()).singleElement().asString().contains("step-4");
    assertThat(dir.resolve("damaged-step-4")).isDirectory();
    second.train(3);
    assertThat(restarted.parameters()).containsExactly(uninterrupted(5));
  }

  @Test
  void aPointerToAMissingFolderIsNamedInTheFallback(@TempDir Path dir) throws IOException {
    checkpointsAfterSteps2And4(dir);
    deleteTree(dir.resolve("step-4"));
    CheckpointStore.Found found = trainer(policy()).resume(dir);
    assertThat(found.step()).isEqualTo(2);
    assertThat(found.damaged()).containsExactly("step-4 (named by latest but missing)");
  }

  @Test
  void aFlippedBitIsDetectedAndSkipped(@TempDir Path dir) throws IOException {
    Path newest = checkpointsAfterSteps2And4(dir);
    Path tensors;
    try (Stream<Path> walk = Files.walk(newest.resolve("policy"))) {
      tensors = walk.filter(Files::isRegularFile).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(tensors);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(tensors, bytes);

    CheckpointStore.Found found = trainer(policy()).resume(dir);
    assertThat(found.step()).isEqualTo(2);
    assertThat(found.damaged()).singleElement().asString()
        .contains("step-4").contains("does not match its SHA-256");
  }

  @Test
  void noIntactCheckpointIsAnInputError(@TempDir Path dir) throws IOException {
    Trainer first = trainer(policy());
    first.train(1);
    Path only = first.checkpoint(dir);
    Files.writeString(only.resolve("trainer.properties"), "steps=7\n");
    assertThatThrownBy(() -> trainer(policy()).resume(dir))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("No intact checkpoint");
  }

  @Test
  void retentionKeepsTheNewestAndTheFilesAreTheSameForTheSameState(@TempDir Path dir)
      throws IOException {
    CheckpointStore store = new CheckpointStore(dir.resolve("a"), 2);
    Trainer trainer = trainer(policy());
    trainer.addListener(new PeriodicCheckpoint(trainer, store, 1));
    trainer.train(5);
    try (Stream<Path> list = Files.list(store.directory())) {
      assertThat(list.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("latest", "step-4", "step-5");
    }
    assertThat(Files.readString(store.directory().resolve("latest"))).isEqualTo("step-5");
    Trainer again = trainer(policy());
    again.train(5);
    Path copy = again.checkpoint(new CheckpointStore(dir.resolve("b"), 2));
    assertThat(Files.readString(copy.resolve(CheckpointManifest.FILE)))
        .isEqualTo(Files.readString(store.directory().resolve("step-5/manifest.sha256")));
    assertThatThrownBy(() -> new CheckpointStore(dir, 0)).hasMessageContaining(
        "keepCheckpoints = 0");
  }

  private static void deleteTree(Path path) throws IOException {
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
