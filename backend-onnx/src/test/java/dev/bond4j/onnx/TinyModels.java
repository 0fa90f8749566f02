package dev.bond4j.onnx;

import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.onnx.export.DecoderOnnxExport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tiny models written by bond4j's own exporter, for the tests of this module. */
final class TinyModels {
  private TinyModels() {}

  /**
   * GPT-2's initialisation with every weight matrix scaled by {@code scale}, so that next-token
   * distributions are far from uniform.
   */
  static float[] sharpened(DecoderConfig config, long seed, float scale) {
    DecoderLayout layout = new DecoderLayout(config);
    float[] values = layout.initialValues(seed);
    for (int i = 0; i < layout.size(); i++) {
      if (layout.shape(i).length == 2) {
        for (long j = layout.offset(i); j < layout.offset(i + 1); j++) {
          values[(int) j] *= scale;
        }
      }
    }
    return values;
  }

  /** A fresh folder holding the decoder export of {@code values}. */
  static Path decoder(DecoderConfig config, float[] values, DecoderOnnxExport.Weights weights) {
    try {
      Path directory = Files.createTempDirectory("bond4j-onnx-test");
      directory.toFile().deleteOnExit();
      DecoderOnnxExport.export(config, values, directory, weights);
      directory.resolve("model.onnx").toFile().deleteOnExit();
      directory.resolve("config.json").toFile().deleteOnExit();
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
