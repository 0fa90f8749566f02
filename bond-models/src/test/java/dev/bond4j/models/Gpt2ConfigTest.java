package dev.bond4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.BondException;
import dev.bond4j.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Gpt2ConfigTest {
  @TempDir Path directory;

  @Test
  void roundTripsThroughConfigJson() {
    Gpt2Config config = new Gpt2Config(100, 64, 48, 3, 6, 96, 1e-6, "gelu", 7);
    config.write(directory);
    assertThat(Gpt2Config.read(directory)).isEqualTo(config);
  }

  @Test
  void appliesHuggingFaceDefaults() throws IOException {
    write("{\"vocab_size\": 50, \"n_positions\": 20, \"n_embd\": 16, \"n_layer\": 1,"
        + " \"n_head\": 2, \"n_inner\": null}");
    Gpt2Config config = Gpt2Config.read(directory);
    assertThat(config.innerSize()).isEqualTo(64);
    assertThat(config.activation()).isEqualTo("gelu_new");
    assertThat(config.eosToken()).isEqualTo(49);
    assertThat(config.layerNormEpsilon()).isEqualTo(1e-5);
  }

  @Test
  void reportsEveryMissingFieldAtOnce() throws IOException {
    write("{\"vocab_size\": 50, \"n_layer\": 1}");
    assertThatThrownBy(() -> Gpt2Config.read(directory))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("n_positions").hasMessageContaining("n_embd")
        .hasMessageContaining("n_head");
  }

  @Test
  void rejectsInconsistentFields() throws IOException {
    write("{\"vocab_size\": 50, \"n_positions\": 20, \"n_embd\": 10, \"n_layer\": 1,"
        + " \"n_head\": 3, \"eos_token_id\": 50, \"activation_function\": \"swish\"}");
    assertThatThrownBy(() -> Gpt2Config.read(directory))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("a multiple of n_head = 3")
        .hasMessageContaining("eos_token_id").hasMessageContaining("activation_function");
  }

  @Test
  void rejectsOtherModelTypesUntiedHeadsAndBadJson() throws IOException {
    write("{\"model_type\": \"llama\", \"tie_word_embeddings\": false, \"vocab_size\": 5,"
        + " \"n_positions\": 4, \"n_embd\": 4, \"n_layer\": 1, \"n_head\": 1}");
    assertThatThrownBy(() -> Gpt2Config.read(directory))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("model_type").hasMessageContaining("tie_word_embeddings");
    write("{\"vocab_size\": ");
    assertThatThrownBy(() -> Gpt2Config.read(directory)).isInstanceOf(BondException.class)
        .hasMessageContaining("not valid JSON");
    write("{\"vocab_size\": \"many\", \"n_positions\": 4, \"n_embd\": 4, \"n_layer\": 1,"
        + " \"n_head\": {}}");
    assertThatThrownBy(() -> Gpt2Config.read(directory)).isInstanceOf(BondException.class)
        .hasMessageContaining("vocab_size");
  }

  @Test
  void countsParametersLikeTheTensorShapes() {
    Gpt2Config config = Gpt2Config.of(10, 8, 4, 2, 2);
    Gpt2Layout layout = new Gpt2Layout(config);
    long sum = 0;
    for (int i = 0; i < layout.size(); i++) {
      sum += SafeTensor.elementCount(layout.shape(i));
    }
    assertThat(config.parameterCount()).isEqualTo(sum).isEqualTo(layout.offset(layout.size()));
  }

  private void write(String json) throws IOException {
    Files.writeString(directory.resolve("config.json"), json);
  }

  @Test
  void refusesShapesBeyondAJavaArrayOrTheMemory() throws IOException {
    write("{\"vocab_size\": 50, \"n_positions\": 1e9, \"n_embd\": 16, \"n_layer\": 1,"
        + " \"n_head\": 2}");
    assertThatThrownBy(() -> Gpt2Config.read(directory))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("parameters = 16000004112")
        .hasMessageContaining("the most a Java array holds");
    long heap = Runtime.getRuntime().maxMemory();
    org.junit.jupiter.api.Assumptions.assumeTrue(heap < 8L << 30, "a heap below 8 GiB");
    int positions = (int) Math.min(Integer.MAX_VALUE / 16 - 1000, heap / 4 / 16 + 1000);
    write("{\"vocab_size\": 50, \"n_positions\": " + positions + ", \"n_embd\": 16,"
        + " \"n_layer\": 1, \"n_head\": 2}");
    assertThatThrownBy(() -> Gpt2Config.read(directory))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("of Java heap, the JVM allows");
  }
}
