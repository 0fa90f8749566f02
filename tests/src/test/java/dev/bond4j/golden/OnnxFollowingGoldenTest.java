package dev.bond4j.golden;

import dev.bond4j.model.Policy;
import dev.bond4j.models.DecoderCheckpoint;
import dev.bond4j.onnx.OnnxOptions;
import dev.bond4j.onnx.OnnxPolicy;
import dev.bond4j.onnx.WeightSource;
import dev.bond4j.onnx.export.DecoderOnnxExport;
import dev.bond4j.onnx.export.DecoderOnnxExport.Weights;
import dev.bond4j.value.TokenSequence;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * bond4j's own ONNX export with the weights as graph inputs, against every golden fixture: the
 * graph is exported without weights and the policy reads the fixture's weights, in {@code
 * DecoderLayout}'s canonical order, from a {@link WeightSource} on every call.
 */
class OnnxFollowingGoldenTest extends GoldenFixtureContract {
  @TempDir
  Path exports;
  private int count;

  @Override
  Policy open(Path fixture) {
    Path directory = exports.resolve(String.valueOf(count++));
    DecoderOnnxExport.exportCheckpoint(fixture, directory, Weights.INPUTS);
    DecoderCheckpoint checkpoint = DecoderCheckpoint.read(fixture, false);
    return OnnxPolicy.following(directory,
        WeightSource.canonical(checkpoint.config(), checkpoint::weights), OnnxOptions.cpu());
  }

  @Override
  float[] logits(Policy model, List<TokenSequence> sequences) {
    return ((OnnxPolicy) model).logits(sequences);
  }
}
