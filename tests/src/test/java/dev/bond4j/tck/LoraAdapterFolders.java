package dev.bond4j.tck;

import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.decoder.LoraCheckpoint;
import dev.bond4j.decoder.LoraLayout;
import dev.bond4j.spi.LoraSettings;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Random LoRA adapters as PEFT folders, for the suites that run LoRA policies. */
final class LoraAdapterFolders {
  private LoraAdapterFolders() {}

  /**
   * Writes an adapter of {@code settings} on a model of shape {@code config}, drawn from {@code
   * seed}: {@code A} as PEFT initialises it, {@code B} uniform in ±1 (not PEFT's zeros) and the
   * copies of {@code modules_to_save} uniform in ±0.1 (not the base tensors), so that the adapted
   * model differs clearly from its base.
   *
   * @param baseModel the base folder, relative to {@code directory} or absolute
   */
  static void writeRandom(DecoderConfig config, LoraSettings settings, long seed,
      String baseModel, Path directory) {
    LoraLayout layout = new LoraLayout(config, settings);
    DecoderLayout base = new DecoderLayout(config);
    SplittableRandom random = new SplittableRandom(seed + 1000);
    float[] values = layout.initialValues(seed,
        i -> uniform(random, (int) (base.offset(i + 1) - base.offset(i)), 0.1f));
    for (LoraLayout.Target target : layout.targets()) {
      for (long i = layout.offset(target.b()); i < layout.offset(target.b() + 1); i++) {
        values[(int) i] = (float) (2 * random.nextDouble() - 1);
      }
    }
    new LoraCheckpoint(settings, baseModel, values, null, null, 0).write(directory, config);
  }

  private static float[] uniform(SplittableRandom random, int size, float bound) {
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = bound * (float) (2 * random.nextDouble() - 1);
    }
    return values;
  }
}
