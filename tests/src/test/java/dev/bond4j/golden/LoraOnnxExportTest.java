package dev.bond4j.golden;

import com.google.gson.JsonObject;
import dev.bond4j.decoder.LoraCheckpoint;
import dev.bond4j.onnx.OnnxOptions;
import dev.bond4j.onnx.OnnxPolicy;
import dev.bond4j.onnx.export.DecoderOnnxExport;
import dev.bond4j.onnx.export.DecoderOnnxExport.Weights;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A PEFT adapter merged into its base ({@link LoraCheckpoint#merge}) and exported to ONNX by
 * bond4j's exporter: ONNX Runtime gives the adapted model's PyTorch logits.
 */
class LoraOnnxExportTest {
  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2-lora", "tiny-qwen2-gqa-lora"})
  void mergedAdapterExportsToOnnx(String fixture, @TempDir Path out) {
    Path adapter = LoraGoldenContract.adapter(fixture);
    JsonObject reference = GoldenFixtureContract.reference(adapter);
    LoraCheckpoint.merge(adapter, out.resolve("merged"));
    DecoderOnnxExport.exportCheckpoint(out.resolve("merged"), out.resolve("onnx"), Weights.BAKED);
    try (OnnxPolicy served = OnnxPolicy.load(out.resolve("onnx"), OnnxOptions.cpu())) {
      LoraGoldenContract.assertLogits(served.logits(LoraGoldenContract.sequences(reference)),
          reference.getAsJsonArray("logits"), fixture + " onnx");
    }
  }
}
