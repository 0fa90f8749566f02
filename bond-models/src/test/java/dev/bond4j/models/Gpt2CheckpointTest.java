package dev.bond4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.BondException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files of one state are the same byte for byte however often they are written (so a resumed
 * run's files equal an uninterrupted run's), and files of two states are still refused as a mix.
 */
class Gpt2CheckpointTest {
  private static final Gpt2Config CONFIG = Gpt2Config.of(12, 8, 8, 1, 2);

  private static Gpt2Checkpoint state(long seed, long steps) {
    int size = (int) CONFIG.parameterCount();
    SplittableRandom random = new SplittableRandom(seed);
    float[][] values = new float[3][size];
    for (float[] array : values) {
      for (int i = 0; i < size; i++) {
        array[i] = (float) random.nextGaussian();
      }
    }
    return new Gpt2Checkpoint(CONFIG, values[0], values[1], values[2], steps);
  }

  @Test
  void theSameStateGivesTheSameBytes(@TempDir Path dir) throws IOException {
    state(1, 5).write(dir.resolve("a"));
    state(1, 5).write(dir.resolve("b"));
    for (String file : new String[] {Gpt2Checkpoint.MODEL_FILE, Gpt2Checkpoint.OPTIMIZER_FILE,
        "config.json"}) {
      assertThat(Files.readAllBytes(dir.resolve("b").resolve(file)))
          .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(file)));
    }
  }

  @Test
  void filesOfTwoStatesAreRefusedAsAMix(@TempDir Path dir) throws IOException {
    state(1, 5).write(dir.resolve("a"));
    state(2, 5).write(dir.resolve("b"));
    Files.copy(dir.resolve("a").resolve(Gpt2Checkpoint.OPTIMIZER_FILE),
        dir.resolve("b").resolve(Gpt2Checkpoint.OPTIMIZER_FILE),
        StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> Gpt2Checkpoint.read(dir.resolve("b"), true))
        .isInstanceOf(BondException.class).hasMessageContaining("different saves");
    assertThat(Gpt2Checkpoint.read(dir.resolve("a"), true).steps()).isEqualTo(5);
  }
}
