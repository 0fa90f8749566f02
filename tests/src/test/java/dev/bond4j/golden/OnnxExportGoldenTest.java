package dev.bond4j.golden;

import dev.bond4j.model.Policy;
import dev.bond4j.onnx.OnnxOptions;
import dev.bond4j.onnx.OnnxPolicy;
import dev.bond4j.onnx.export.DecoderOnnxExport;
import dev.bond4j.onnx.export.DecoderOnnxExport.Weights;
import dev.bond4j.value.TokenSequence;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * bond4j's own ONNX export, with the weights stored in the model, against every golden fixture
 * (GPT-2, and the Llama family in F32, BF16, F16 and sharded): each fixture folder is exported,
 * then ONNX Runtime must give the PyTorch reference.
 */
class OnnxExportGoldenTest extends GoldenFixtureContract {
  @TempDir
  Path exports;
  private int count;

  @Override
  Policy open(Path fixture) {
    return OnnxPolicy.load(export(fixture, Weights.BAKED), OnnxOptions.cpu());
  }

  /** Exports a fixture folder into a fresh folder, which it returns. */
  Path export(Path fixture, Weights weights) {
    Path directory = exports.resolve(String.valueOf(count++));
    DecoderOnnxExport.exportCheckpoint(fixture, directory, weights);
    return directory;
  }

  @Override
  float[] logits(Policy model, List<TokenSequence> sequences) {
    return ((OnnxPolicy) model).logits(sequences);
  }
}
