package dev.bond4j.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.BondException;
import dev.bond4j.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecoderConfigTest {
  @TempDir Path directory;

  @Test
  void roundTripsThroughConfigJson() {
    DecoderConfig config = DecoderConfig.gpt2(100, 64, 48, 3, 6, 96, 1e-6, "gelu", 7);
    config.write(directory);
    assertThat(DecoderConfig.read(directory)).isEqualTo(config);
  }

  @Test
  void appliesHuggingFaceDefaults() throws IOException {
    write("{\"vocab_size\": 50, \"n_positions\": 20, \"n_embd\": 16, \"n_layer\": 1,"
        + " \"n_head\": 2, \"n_inner\": null}");
    DecoderConfig config = DecoderConfig.read(directory);
    assertThat(config.innerSize()).isEqualTo(64);
    assertThat(config.activation()).isEqualTo("gelu_new");
    assertThat(config.eosToken()).isEqualTo(49);
    assertThat(config.normEpsilon()).isEqualTo(1e-5);
  }

  @Test
  void reportsEveryMissingFieldAtOnce() throws IOException {
    write("{\"vocab_size\": 50, \"n_layer\": 1}");
    assertThatThrownBy(() -> DecoderConfig.read(directory))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("n_positions").hasMessageContaining("n_embd")
        .hasMessageContaining("n_head");
  }

  @Test
  void rejectsInconsistentFields() throws IOException {
    write("{\"vocab_size\": 50, \"n_positions\": 20, \"n_embd\": 10, \"n_layer\": 1,"
        + " \"n_head\": 3, \"eos_token_id\": 50, \"activation_function\": \"swish\"}");
    assertThatThrownBy(() -> DecoderConfig.read(directory))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("a multiple of n_head = 3")
        .hasMessageContaining("eos_token_id").hasMessageContaining("activation_function");
  }

  @Test
  void rejectsUntiedGpt2HeadsOtherModelTypesAndBadJson() throws IOException {
    write("{\"model_type\": \"gpt2\", \"tie_word_embeddings\": false, \"vocab_size\": 5,"
        + " \"n_positions\": 4, \"n_embd\": 4, \"n_layer\": 1, \"n_head\": 1}");
    assertThatThrownBy(() -> DecoderConfig.read(directory))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("tie_word_embeddings");
    write("{\"model_type\": \"mixtral\"}");
    assertThatThrownBy(() -> DecoderConfig.read(directory)).isInstanceOf(BondException.class)
        .hasMessageContaining("Unsupported model_type \"mixtral\"")
        .hasMessageContaining("gpt2, llama, qwen2, mistral");
    write("{\"vocab_size\": ");
    assertThatThrownBy(() -> DecoderConfig.read(directory)).isInstanceOf(BondException.class)
        .hasMessageContaining("not valid JSON");
    write("{\"vocab_size\": \"many\", \"n_positions\": 4, \"n_embd\": 4, \"n_layer\": 1,"
        + " \"n_head\": {}}");
    assertThatThrownBy(() -> DecoderConfig.read(directory)).isInstanceOf(BondException.class)
        .hasMessageContaining("vocab_size");
  }

  @Test
  void readsQwen2WithGroupedQueriesBiasesAndEosList() throws IOException {
    write(llamaJson("qwen2", "\"num_key_value_heads\": 2, \"eos_token_id\": [2, 95],"
        + " \"tie_word_embeddings\": false, \"sliding_window\": 32, \"use_sliding_window\": false"));
    DecoderConfig config = DecoderConfig.read(directory);
    assertThat(config.kvHeads()).isEqualTo(2);
    assertThat(config.queriesPerKvHead()).isEqualTo(3);
    assertThat(config.headSize()).isEqualTo(8);
    assertThat(config.eosTokens()).containsExactly(2, 95);
    assertThat(config.isEos(95)).isTrue();
    assertThat(config.attentionBias()).isTrue();
    assertThat(config.outputBias()).isFalse();
    assertThat(config.tiedEmbeddings()).isFalse();
    assertThat(config.rope()).isEqualTo(RotaryEmbedding.plain(10000));
  }

  @Test
  void roundTripsLlamaWithLlama3ScalingThroughConfigJson() throws IOException {
    write(llamaJson("llama", "\"head_dim\": 12, \"tie_word_embeddings\": true,"
        + " \"rope_theta\": 500000, \"rope_scaling\": {\"rope_type\": \"llama3\","
        + " \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0,"
        + " \"original_max_position_embeddings\": 16}, \"torch_dtype\": \"bfloat16\""));
    DecoderConfig config = DecoderConfig.read(directory);
    assertThat(config.rope().scaling()).isEqualTo("llama3");
    assertThat(config.headSize()).isEqualTo(12);
    assertThat(config.attentionSize()).isEqualTo(72);
    assertThat(config.dtype()).isEqualTo("bfloat16");
    config.write(directory);
    assertThat(DecoderConfig.read(directory)).isEqualTo(config);
  }

  @Test
  void refusesWhatItCannotRunWithOneLineThatNamesIt() throws IOException {
    String[][] cases = {
      {"\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0}", "yarn",
          "none, linear and llama3"},
      {"\"num_local_experts\": 8", "mixture of experts", "gpt2, llama"},
      {"\"sliding_window\": 16", "sliding_window = 16", "full attention"},
      {"\"num_key_value_heads\": 4", "num_key_value_heads", "a divisor of"},
      {"\"head_dim\": 7", "head_dim", "an even number"},
      {"\"eos_token_id\": [2, 96]", "eos_token_id", "[0, vocab_size = 96)"},
      {"\"hidden_act\": \"gelu\"", "hidden_act", "silu"},
      {"\"torch_dtype\": \"int8\"", "torch_dtype", "float32, bfloat16, float16"},
    };
    for (String[] bad : cases) {
      write(llamaJson("mistral", bad[0]));
      assertThatThrownBy(() -> DecoderConfig.read(directory)).as(bad[0])
          .isInstanceOf(BondException.class)
          .hasMessageContaining(bad[1]).hasMessageContaining(bad[2])
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void llamaLayoutFusesAndTransposesAndSplitsBackExactly() {
    DecoderConfig config = new DecoderConfig("qwen2", 11, 16, 12, 2, 6, 2, 4, 10, 1e-6, "silu",
        false, true, false, false, RotaryEmbedding.plain(10000), 0, List.of(3), null);
    DecoderLayout layout = new DecoderLayout(config);
    float[] values = new float[(int) layout.parameterCount()];
    for (int i = 0; i < values.length; i++) {
      values[i] = i;
    }
    Map<String, SafeTensor> tensors = layout.tensorsOf(values);
    assertThat(tensors).containsKeys("model.layers.1.self_attn.k_proj.bias", "lm_head.weight",
        "model.layers.0.mlp.up_proj.weight").doesNotContainKey("model.layers.0.self_attn.o_proj.bias");
    assertThat(tensors.get("model.layers.0.self_attn.q_proj.weight").shape())
        .containsExactly(24, 12);
    assertThat(layout.valuesOf(tensors, "test")).containsExactly(values);
    int qkv = layout.index(0, DecoderLayout.Slot.QKV_W);
    float[] q = tensors.get("model.layers.0.self_attn.q_proj.weight").toFloats();
    // Internal [in, out]: element (in = 1, out = 2) is HuggingFace's (out = 2, in = 1).
    assertThat(values[(int) layout.offset(qkv) + 1 * 40 + 2]).isEqualTo(q[2 * 12 + 1]);
    long sum = 0;
    for (int i = 0; i < layout.size(); i++) {
      sum += SafeTensor.elementCount(layout.shape(i));
    }
    assertThat(config.parameterCount()).isEqualTo(sum);
  }

  private static String llamaJson(String type, String extra) {
    return "{\"model_type\": \"" + type + "\", \"vocab_size\": 96, \"hidden_size\": 48,"
        + " \"intermediate_size\": 80, \"num_hidden_layers\": 2, \"num_attention_heads\": 6,"
        + " \"max_position_embeddings\": 64, \"rms_norm_eps\": 1e-6, \"hidden_act\": \"silu\","
        + " \"bos_token_id\": 1, \"eos_token_id\": 2, " + extra + "}";
  }

  @Test
  void countsParametersLikeTheTensorShapes() {
    DecoderConfig config = DecoderConfig.gpt2(10, 8, 4, 2, 2);
    DecoderLayout layout = new DecoderLayout(config);
    long sum = 0;
    for (int i = 0; i < layout.size(); i++) {
      sum += SafeTensor.elementCount(layout.shape(i));
    }
    assertThat(config.parameterCount()).isEqualTo(sum).isEqualTo(layout.offset(layout.size()));
  }

  @Test
  void refusesShapesBeyondAJavaArrayOrTheMachine() throws IOException {
    write("{\"vocab_size\": 50, \"n_positions\": 1e9, \"n_embd\": 16, \"n_layer\": 1,"
        + " \"n_head\": 2}");
    assertThatThrownBy(() -> DecoderConfig.read(directory))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("parameters = 16000004112")
        .hasMessageContaining("the most a Java array holds");
  }

  private void write(String json) throws IOException {
    Files.writeString(directory.resolve("config.json"), json);
  }
}
