package dev.bond4j.decoder;

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
class DecoderCheckpointTest {
  private static final DecoderConfig CONFIG = DecoderConfig.gpt2(12, 8, 8, 1, 2);

  private static DecoderCheckpoint state(long seed, long steps) {
    int size = (int) CONFIG.parameterCount();
    SplittableRandom random = new SplittableRandom(seed);
    float[][] values = new float[3][size];
    for (float[] array : values) {
      for (int i = 0; i < size; i++) {
        array[i] = (float) random.nextGaussian();
      }
    }
    return new DecoderCheckpoint(CONFIG, values[0], values[1], values[2], steps);
  }

  @Test
  void theSameStateGivesTheSameBytes(@TempDir Path dir) throws IOException {
    state(1, 5).write(dir.resolve("a"));
    state(1, 5).write(dir.resolve("b"));
    for (String file : new String[] {DecoderCheckpoint.MODEL_FILE, DecoderCheckpoint.OPTIMIZER_FILE,
        "config.json"}) {
      assertThat(Files.readAllBytes(dir.resolve("b").resolve(file)))
          .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(file)));
    }
  }

  @Test
  void filesOfTwoStatesAreRefusedAsAMix(@TempDir Path dir) throws IOException {
    state(1, 5).write(dir.resolve("a"));
    state(2, 5).write(dir.resolve("b"));
    Files.copy(dir.resolve("a").resolve(DecoderCheckpoint.OPTIMIZER_FILE),
        dir.resolve("b").resolve(DecoderCheckpoint.OPTIMIZER_FILE),
        StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> DecoderCheckpoint.read(dir.resolve("b"), true))
        .isInstanceOf(BondException.class).hasMessageContaining("different saves");
    assertThat(DecoderCheckpoint.read(dir.resolve("a"), true).steps()).isEqualTo(5);
  }
}
