package dev.bond4j.golden;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.bond4j.dl4j.Dl4jSnapshot;
import dev.bond4j.spi.BackendOptions;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dl4j (ND4J SameDiff) backend against the tiny GPT-2 golden fixture made by {@code
 * tests/golden/make_tiny_gpt2.py} in plain PyTorch: the same logits within 1e-4 and the same greedy
 * continuation.
 */
class Dl4jGoldenTest {
  private static Path fixture;
  private static JsonObject reference;
  private static Dl4jSnapshot model;

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    fixture = Path.of(Dl4jGoldenTest.class.getResource("/golden/tiny-gpt2/config.json").toURI())
        .getParent();
    reference = JsonParser.parseString(Files.readString(fixture.resolve("reference.json")))
        .getAsJsonObject();
    model = Dl4jSnapshot.load(fixture, BackendOptions.defaults());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static int[] ints(JsonArray array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).getAsInt();
    }
    return out;
  }

  @Test
  void logitsMatchPyTorch() {
    List<TokenSequence> sequences = new ArrayList<>();
    for (var row : reference.getAsJsonArray("sequences")) {
      sequences.add(TokenSequence.of(ints(row.getAsJsonArray())));
    }
    float[] logits = model.logits(sequences);
    JsonArray expected = reference.getAsJsonArray("logits");
    assertThat(logits).hasSize(expected.size());
    double maxDifference = 0;
    for (int i = 0; i < logits.length; i++) {
      maxDifference = Math.max(maxDifference, Math.abs(logits[i] - expected.get(i).getAsDouble()));
    }
    assertThat(maxDifference).isLessThan(1e-4);
  }

  @Test
  void greedyContinuationMatchesPyTorch() {
    TokenSequence prompt = TokenSequence.of(ints(reference.getAsJsonArray("greedy_prompt")));
    int[] expected = ints(reference.getAsJsonArray("greedy_continuation"));
    SamplingSettings greedy = SamplingSettings.builder().topK(1).maxNewTokens(expected.length)
        .build();
    Completion completion = model.sample(List.of(Prompt.of("golden", prompt)), greedy, 0).get(0);
    assertThat(completion.completion()).isEqualTo(TokenSequence.of(expected));
  }
}
