package dev.bond4j.golden;

import dev.bond4j.model.Policy;
import dev.bond4j.decoder.DecoderCheckpoint;
import dev.bond4j.onnx.OnnxOptions;
import dev.bond4j.onnx.OnnxPolicy;
import dev.bond4j.onnx.WeightSource;
import dev.bond4j.onnx.export.DecoderOnnxExport.Weights;
import java.nio.file.Path;

/**
 * bond4j's own ONNX export with the weights as graph inputs, against every golden fixture: the
 * graph is exported without weights and the policy reads the fixture's weights, in {@code
 * DecoderLayout}'s canonical order, from a {@link WeightSource} on every call.
 */
class OnnxFollowingGoldenTest extends OnnxExportGoldenTest {
  @Override
  Policy open(Path fixture) {
    DecoderCheckpoint checkpoint = DecoderCheckpoint.read(fixture, false);
    return OnnxPolicy.following(export(fixture, Weights.INPUTS),
        WeightSource.canonical(checkpoint.config(), checkpoint::weights), OnnxOptions.cpu());
  }
}
