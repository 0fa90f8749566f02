package dev.bond4j.golden;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.bond4j.model.Policy;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An engine against the golden fixtures made in plain PyTorch by {@code tests/golden/}'s scripts
 * (see the README there): full-sequence logits within 1e-4 (max abs) of the fixture's reference,
 * the sampler's greedy continuation equal to the reference up to its first EOS, and greedy
 * decoding by full recomputation equal to the whole reference continuation. Each engine backend
 * extends this with how it opens a fixture, computes logits, and which fixtures it runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GoldenFixtureContract {
  /** Every fixture folder: GPT-2, and the Llama family in F32, BF16, F16 and sharded. */
  static final List<String> ALL = List.of("tiny-gpt2", "tiny-qwen2-gqa", "tiny-qwen2-gqa/bf16",
      "tiny-qwen2-gqa/sharded", "tiny-llama-tied", "tiny-llama-tied/bf16", "tiny-llama-tied/f16");

  /** Opens a fixture folder ({@code config.json} and weights) as a frozen model. */
  abstract Policy open(Path fixture);

  /** Full-sequence logits of equal-length sequences, {@code [B * T * V]} row-major. */
  abstract float[] logits(Policy model, List<TokenSequence> sequences);

  /** The fixture folders this engine runs, below {@code golden/}. */
  List<String> fixtures() {
    return ALL;
  }

  static Path folder(String fixture) {
    try {
      return Path.of(GoldenFixtureContract.class.getResource("/golden/" + fixture
          + "/config.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The folder's {@code reference.json}, or its parent's for an export beside the weights. */
  static JsonObject reference(Path folder) {
    Path file = folder.resolve("reference.json");
    try {
      return JsonParser.parseString(Files.readString(Files.exists(file) ? file
              : folder.getParent().resolve("reference.json")))
          .getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int[] ints(JsonArray array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).getAsInt();
    }
    return out;
  }

  private void withModel(String fixture, ModelCheck check) throws Exception {
    Path folder = folder(fixture);
    try (Policy model = open(folder)) {
      check.run(model, reference(folder), DecoderConfig.read(folder));
    }
  }

  private interface ModelCheck {
    void run(Policy model, JsonObject reference, DecoderConfig config);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void logitsMatchPyTorch(String fixture) throws Exception {
    withModel(fixture, (model, reference, config) -> {
      List<TokenSequence> sequences = new ArrayList<>();
      for (var row : reference.getAsJsonArray("sequences")) {
        sequences.add(TokenSequence.of(ints(row.getAsJsonArray())));
      }
      float[] logits = logits(model, sequences);
      JsonArray expected = reference.getAsJsonArray("logits");
      assertThat(logits).hasSize(expected.size());
      double maxDifference = 0;
      for (int i = 0; i < logits.length; i++) {
        maxDifference = Math.max(maxDifference,
            Math.abs(logits[i] - expected.get(i).getAsDouble()));
      }
      assertThat(maxDifference).as(fixture).isLessThan(1e-4);
    });
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void sampledGreedyContinuationMatchesPyTorchUpToEos(String fixture) throws Exception {
    withModel(fixture, (model, reference, config) -> {
      TokenSequence prompt = TokenSequence.of(ints(reference.getAsJsonArray("greedy_prompt")));
      int[] expected = ints(reference.getAsJsonArray("greedy_continuation"));
      int end = 0;
      while (end < expected.length && !config.isEos(expected[end])) {
        end++;
      }
      int[] upToEos = Arrays.copyOf(expected, Math.min(expected.length, end + 1));
      SamplingSettings greedy = SamplingSettings.builder().topK(1).maxNewTokens(expected.length)
          .build();
      Completion completion = model.sample(List.of(Prompt.of("golden", prompt),
          Prompt.of("padded", TokenSequence.of(1, 2, 3, 4, 5, 6))), greedy, 0).get(0);
      assertThat(completion.completion()).as(fixture).isEqualTo(TokenSequence.of(upToEos));
    });
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void recomputedGreedyContinuationMatchesPyTorch(String fixture) throws Exception {
    withModel(fixture, (model, reference, config) -> {
      int[] tokens = ints(reference.getAsJsonArray("greedy_prompt"));
      int[] expected = ints(reference.getAsJsonArray("greedy_continuation"));
      int vocabulary = config.vocabularySize();
      for (int step = 0; step < expected.length; step++) {
        float[] logits = logits(model, List.of(TokenSequence.of(tokens)));
        int best = 0;
        int last = (tokens.length - 1) * vocabulary;
        for (int v = 1; v < vocabulary; v++) {
          best = logits[last + v] > logits[last + best] ? v : best;
        }
        tokens = Arrays.copyOf(tokens, tokens.length + 1);
        tokens[tokens.length - 1] = best;
      }
      assertThat(Arrays.copyOfRange(tokens, tokens.length - expected.length, tokens.length))
          .as(fixture).containsExactly(expected);
    });
  }
}
