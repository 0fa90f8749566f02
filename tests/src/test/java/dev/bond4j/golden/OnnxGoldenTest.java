package dev.bond4j.golden;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.bond4j.onnx.OnnxOptions;
import dev.bond4j.onnx.OnnxPolicy;
import dev.bond4j.onnx.export.DecoderOnnxExport;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX Runtime against the tiny GPT-2 golden fixture made by {@code
 * tests/golden/make_tiny_gpt2.py} in plain PyTorch: the fixture's two {@code torch.onnx} exports
 * ({@code model.onnx}, no cache; {@code with-past/model.onnx}, the optimum convention with a KV
 * cache) and bond4j's export of the fixture's safetensors (KV cache, baked weights) all give the
 * reference logits within 1e-4 and the same greedy continuation.
 */
class OnnxGoldenTest {
  @TempDir
  static Path exported;
  private static Path fixture;
  private static JsonObject reference;

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    fixture = Path.of(OnnxGoldenTest.class.getResource("/golden/tiny-gpt2/config.json").toURI())
        .getParent();
    reference = JsonParser.parseString(Files.readString(fixture.resolve("reference.json")))
        .getAsJsonObject();
    DecoderOnnxExport.exportCheckpoint(fixture, exported, DecoderOnnxExport.Weights.BAKED);
  }

  private static Path model(String which) {
    return switch (which) {
      case "torch" -> fixture;
      case "torch-with-past" -> fixture.resolve("with-past");
      default -> exported;
    };
  }

  private static int[] ints(JsonArray array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).getAsInt();
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"torch", "torch-with-past", "bond4j"})
  void logitsMatchPyTorch(String which) {
    List<TokenSequence> sequences = new ArrayList<>();
    for (var row : reference.getAsJsonArray("sequences")) {
      sequences.add(TokenSequence.of(ints(row.getAsJsonArray())));
    }
    try (OnnxPolicy policy = OnnxPolicy.load(model(which), OnnxOptions.cpu())) {
      float[] logits = policy.logits(sequences);
      JsonArray expected = reference.getAsJsonArray("logits");
      assertThat(logits).hasSize(expected.size());
      double maxDifference = 0;
      for (int i = 0; i < logits.length; i++) {
        maxDifference = Math.max(maxDifference,
            Math.abs(logits[i] - expected.get(i).getAsDouble()));
      }
      assertThat(maxDifference).isLessThan(1e-4);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"torch", "torch-with-past", "bond4j"})
  void greedyContinuationMatchesPyTorch(String which) {
    TokenSequence prompt = TokenSequence.of(ints(reference.getAsJsonArray("greedy_prompt")));
    int[] expected = ints(reference.getAsJsonArray("greedy_continuation"));
    SamplingSettings greedy = SamplingSettings.builder().topK(1).maxNewTokens(expected.length)
        .build();
    try (OnnxPolicy policy = OnnxPolicy.load(model(which), OnnxOptions.cpu())) {
      Completion completion = policy.sample(List.of(Prompt.of("golden", prompt)), greedy, 0)
          .get(0);
      assertThat(completion.completion()).isEqualTo(TokenSequence.of(expected));
    }
  }
}
