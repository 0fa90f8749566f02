package dev.bond4j.golden;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.bond4j.model.Policy;
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
import org.junit.jupiter.api.TestInstance;

/**
 * An engine against the tiny GPT-2 golden fixture made by {@code tests/golden/make_tiny_gpt2.py}
 * in plain PyTorch: full-sequence logits within 1e-4 (max abs) and the same greedy continuation.
 * Each engine backend extends this with how it opens the fixture and computes logits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GoldenFixtureContract {
  private JsonObject reference;
  private Policy model;

  /** Opens the fixture folder ({@code config.json}, {@code model.safetensors}) as a frozen model. */
  abstract Policy open(Path fixture);

  /** Full-sequence logits of equal-length sequences, {@code [B * T * V]} row-major. */
  abstract float[] logits(Policy model, List<TokenSequence> sequences);

  @BeforeAll
  void load() throws IOException, URISyntaxException {
    Path fixture = Path.of(GoldenFixtureContract.class
        .getResource("/golden/tiny-gpt2/config.json").toURI()).getParent();
    reference = JsonParser.parseString(Files.readString(fixture.resolve("reference.json")))
        .getAsJsonObject();
    model = open(fixture);
  }

  @AfterAll
  void close() throws Exception {
    if (model instanceof AutoCloseable closeable) {
      closeable.close();
    }
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
    float[] logits = logits(model, sequences);
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
