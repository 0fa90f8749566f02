package dev.bond4j.decoder;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.bond4j.BondException;
import dev.bond4j.Problems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HuggingFace's {@code config.json} for {@link DecoderConfig}: the keys of {@code GPT2Config},
 * {@code LlamaConfig}, {@code Qwen2Config} and {@code MistralConfig}, with their defaults. What
 * bond4j cannot run (another {@code model_type}, mixture of experts, ALiBi, an unknown {@code
 * rope_scaling}, a sliding window shorter than the context) is refused with one line that names it
 * and lists what is supported.
 */
final class DecoderConfigJson {
  private static final String FILE = "config.json";
  /** Keys that announce a feature bond4j does not implement, with its name. */
  private static final Map<String, String> UNSUPPORTED_KEYS = Map.of(
      "num_local_experts", "mixture of experts", "num_experts", "mixture of experts",
      "moe_intermediate_size", "mixture of experts", "alibi", "ALiBi positions",
      "use_alibi", "ALiBi positions");

  private DecoderConfigJson() {}

  static DecoderConfig read(Path directory) {
    Path file = directory.resolve(FILE);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BondException("Cannot read the model config " + file + ": " + e, e);
    }
    JsonObject json;
    try {
      JsonElement parsed = JsonParser.parseString(text);
      if (!parsed.isJsonObject()) {
        throw new BondException("The model config " + file + " is not a JSON object");
      }
      json = parsed.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new BondException("The model config " + file + " is not valid JSON: " + e.getMessage(),
          e);
    }
    try {
      return fromJson(json, file.toString());
    } catch (IllegalStateException | UnsupportedOperationException | ClassCastException e) {
      throw new BondException("The model config " + file + " has a field of the wrong JSON type: "
          + e.getMessage(), e);
    }
  }

  static DecoderConfig fromJson(JsonObject json, String source) {
    String type = json.has("model_type") ? json.get("model_type").getAsString() : "gpt2";
    if (!DecoderConfig.MODEL_TYPES.contains(type)) {
      throw new BondException("Unsupported model_type \"" + type + "\" in " + source
          + ": bond4j runs " + String.join(", ", DecoderConfig.MODEL_TYPES));
    }
    for (Map.Entry<String, String> unsupported : UNSUPPORTED_KEYS.entrySet()) {
      JsonElement value = json.get(unsupported.getKey());
      if (value != null && !value.isJsonNull() && !(value.isJsonPrimitive()
          && (isFalse(value) || isZero(value)))) {
        throw new BondException("Unsupported " + unsupported.getValue() + " (" + unsupported.getKey()
            + " = " + value + ") in " + source + ": bond4j runs dense decoders of the types "
            + String.join(", ", DecoderConfig.MODEL_TYPES));
      }
    }
    Problems problems = Problems.of(type + " config " + source);
    DecoderConfig config = type.equals("gpt2") ? gpt2(json, problems) : llama(type, json, problems,
        source);
    problems.throwIfAny();
    return config;
  }

  private static boolean isFalse(JsonElement value) {
    return value.getAsJsonPrimitive().isBoolean() && !value.getAsBoolean();
  }

  private static boolean isZero(JsonElement value) {
    return value.getAsJsonPrimitive().isNumber() && value.getAsDouble() == 0;
  }

  private static DecoderConfig gpt2(JsonObject json, Problems problems) {
    boolean tied = !json.has("tie_word_embeddings")
        || json.get("tie_word_embeddings").getAsBoolean();
    problems.check(tied, "tie_word_embeddings", false, "true (the head is the token embedding)");
    int vocab = integer(json, "vocab_size", -1, problems);
    int positions = integer(json, "n_positions", -1, problems);
    int embd = integer(json, "n_embd", -1, problems);
    int layers = integer(json, "n_layer", -1, problems);
    int heads = integer(json, "n_head", -1, problems);
    int inner = present(json, "n_inner") ? integer(json, "n_inner", -1, problems) : 4 * embd;
    List<Integer> eos = eosTokens(json, vocab - 1, problems);
    double epsilon = present(json, "layer_norm_epsilon")
        ? number(json, "layer_norm_epsilon", problems) : 1e-5;
    String activation = present(json, "activation_function")
        ? json.get("activation_function").getAsString() : "gelu_new";
    String dtype = present(json, "torch_dtype") ? json.get("torch_dtype").getAsString() : null;
    if (!problems.isEmpty()) {
      return null;
    }
    int bos = present(json, "bos_token_id") ? integer(json, "bos_token_id", eos.get(0), problems)
        : eos.get(0);
    return new DecoderConfig("gpt2", vocab, positions, embd, layers, heads, heads,
        heads < 1 ? 1 : embd / heads, inner, epsilon, activation, true, true, true, true, null,
        bos, eos, dtype);
  }

  private static DecoderConfig llama(String type, JsonObject json, Problems problems,
      String source) {
    int vocab = integer(json, "vocab_size", -1, problems);
    int positions = integer(json, "max_position_embeddings", -1, problems);
    int hidden = integer(json, "hidden_size", -1, problems);
    int layers = integer(json, "num_hidden_layers", -1, problems);
    int heads = integer(json, "num_attention_heads", -1, problems);
    int kvHeads = present(json, "num_key_value_heads")
        ? integer(json, "num_key_value_heads", -1, problems) : heads;
    int headDim = present(json, "head_dim") ? integer(json, "head_dim", -1, problems)
        : heads > 0 ? hidden / heads : -1;
    problems.check(present(json, "head_dim") || heads < 1 || hidden % heads == 0, "hidden_size",
        hidden, "a multiple of num_attention_heads = " + heads + " when head_dim is absent");
    int inner = integer(json, "intermediate_size", -1, problems);
    double epsilon = present(json, "rms_norm_eps") ? number(json, "rms_norm_eps", problems) : 1e-6;
    String activation = present(json, "hidden_act") ? json.get("hidden_act").getAsString() : "silu";
    boolean tied = present(json, "tie_word_embeddings")
        && json.get("tie_word_embeddings").getAsBoolean();
    boolean attentionBias = present(json, "attention_bias")
        && json.get("attention_bias").getAsBoolean();
    boolean mlpBias = present(json, "mlp_bias") && json.get("mlp_bias").getAsBoolean();
    double theta = present(json, "rope_theta") ? number(json, "rope_theta", problems) : 10000;
    List<Integer> eos = eosTokens(json, -1, problems);
    int bos = present(json, "bos_token_id") ? integer(json, "bos_token_id", -1, problems)
        : eos == null || eos.isEmpty() ? 0 : eos.get(0);
    String dtype = present(json, "torch_dtype") ? json.get("torch_dtype").getAsString() : null;
    checkSlidingWindow(type, json, positions, source);
    RotaryEmbedding rope = rope(json, theta, source);
    if (!problems.isEmpty()) {
      return null;
    }
    boolean qwen = type.equals("qwen2");
    return new DecoderConfig(type, vocab, positions, hidden, layers, heads, kvHeads, headDim,
        inner, epsilon, activation, tied, qwen || attentionBias, !qwen && attentionBias, mlpBias,
        rope, bos, eos, dtype);
  }

  private static void checkSlidingWindow(String type, JsonObject json, int positions,
      String source) {
    if (!present(json, "sliding_window")) {
      return;
    }
    boolean used = !type.equals("qwen2")
        || (present(json, "use_sliding_window") && json.get("use_sliding_window").getAsBoolean());
    long window = json.get("sliding_window").getAsLong();
    if (used && window < positions) {
      throw new BondException("Unsupported sliding_window = " + window + " in " + source
          + ": it is shorter than the context of " + positions + " tokens (max_position_embeddings),"
          + " and bond4j runs full attention only; supported: no sliding_window, or one at least"
          + " as long as the context");
    }
  }

  private static RotaryEmbedding rope(JsonObject json, double theta, String source) {
    if (!present(json, "rope_scaling")) {
      return RotaryEmbedding.plain(theta);
    }
    JsonObject scaling = json.getAsJsonObject("rope_scaling");
    String kind = scaling.has("rope_type") ? scaling.get("rope_type").getAsString()
        : scaling.has("type") ? scaling.get("type").getAsString() : "?";
    double factor = scaling.has("factor") ? scaling.get("factor").getAsDouble() : 1;
    return switch (kind) {
      case "default" -> RotaryEmbedding.plain(theta);
      case "linear" -> RotaryEmbedding.linear(theta, factor);
      case "llama3" -> RotaryEmbedding.llama3(theta, factor,
          scaling.get("low_freq_factor").getAsDouble(),
          scaling.get("high_freq_factor").getAsDouble(),
          scaling.get("original_max_position_embeddings").getAsInt());
      default -> throw new BondException("Unsupported rope_scaling type \"" + kind + "\" in "
          + source + ": supported are none, linear and llama3");
    };
  }

  private static boolean present(JsonObject json, String key) {
    return json.has(key) && !json.get(key).isJsonNull();
  }

  private static List<Integer> eosTokens(JsonObject json, int fallback, Problems problems) {
    if (!present(json, "eos_token_id")) {
      problems.check(fallback >= 0, "eos_token_id", "missing", "an id or a list of ids");
      return List.of(Math.max(0, fallback));
    }
    JsonElement value = json.get("eos_token_id");
    if (value.isJsonArray()) {
      List<Integer> ids = new ArrayList<>();
      for (JsonElement element : value.getAsJsonArray()) {
        JsonObject one = new JsonObject();
        one.add("eos_token_id", element);
        ids.add(integer(one, "eos_token_id", 0, problems));
      }
      return ids;
    }
    return List.of(integer(json, "eos_token_id", 0, problems));
  }

  private static int integer(JsonObject json, String field, int fallback, Problems problems) {
    if (!present(json, field)) {
      problems.check(fallback >= 0, field, "missing", "an integer");
      return fallback;
    }
    JsonElement value = json.get(field);
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
      double number = value.getAsDouble();
      if (number == Math.rint(number) && Math.abs(number) <= Integer.MAX_VALUE) {
        return (int) number;
      }
    }
    problems.add(field, value, "an integer");
    return fallback;
  }

  private static double number(JsonObject json, String field, Problems problems) {
    JsonElement value = json.get(field);
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
      return value.getAsDouble();
    }
    problems.add(field, value, "a number");
    return 1e-5;
  }

  static JsonObject toJson(DecoderConfig config) {
    JsonObject json = new JsonObject();
    JsonElement eos = config.eosTokens().size() == 1
        ? new Gson().toJsonTree(config.eosToken()) : new Gson().toJsonTree(config.eosTokens());
    if (config.isGpt2()) {
      json.add("architectures", array("GPT2LMHeadModel"));
      json.addProperty("model_type", "gpt2");
      json.addProperty("vocab_size", config.vocabularySize());
      json.addProperty("n_positions", config.maxPositions());
      json.addProperty("n_ctx", config.maxPositions());
      json.addProperty("n_embd", config.embeddingSize());
      json.addProperty("n_layer", config.layers());
      json.addProperty("n_head", config.heads());
      json.addProperty("n_inner", config.innerSize());
      json.addProperty("layer_norm_epsilon", config.normEpsilon());
      json.addProperty("activation_function", config.activation());
      json.addProperty("resid_pdrop", 0.0);
      json.addProperty("embd_pdrop", 0.0);
      json.addProperty("attn_pdrop", 0.0);
    } else {
      String architecture = switch (config.modelType()) {
        case "qwen2" -> "Qwen2ForCausalLM";
        case "mistral" -> "MistralForCausalLM";
        default -> "LlamaForCausalLM";
      };
      json.add("architectures", array(architecture));
      json.addProperty("model_type", config.modelType());
      json.addProperty("vocab_size", config.vocabularySize());
      json.addProperty("max_position_embeddings", config.maxPositions());
      json.addProperty("hidden_size", config.embeddingSize());
      json.addProperty("intermediate_size", config.innerSize());
      json.addProperty("num_hidden_layers", config.layers());
      json.addProperty("num_attention_heads", config.heads());
      json.addProperty("num_key_value_heads", config.kvHeads());
      json.addProperty("head_dim", config.headSize());
      json.addProperty("hidden_act", config.activation());
      json.addProperty("rms_norm_eps", config.normEpsilon());
      json.addProperty("rope_theta", config.rope().theta());
      json.add("rope_scaling", ropeScaling(config.rope()));
      if (config.modelType().equals("llama")) {
        json.addProperty("attention_bias", config.attentionBias());
        json.addProperty("mlp_bias", config.mlpBias());
      }
      json.addProperty("attention_dropout", 0.0);
    }
    json.addProperty("tie_word_embeddings", config.tiedEmbeddings());
    json.addProperty("bos_token_id", config.bosToken());
    json.add("eos_token_id", eos);
    if (config.dtype() != null) {
      json.addProperty("torch_dtype", config.dtype());
    }
    return json;
  }

  private static JsonElement ropeScaling(RotaryEmbedding rope) {
    if (rope.scaling().equals("none")) {
      return JsonNull.INSTANCE;
    }
    JsonObject scaling = new JsonObject();
    scaling.addProperty("rope_type", rope.scaling());
    scaling.addProperty("factor", rope.factor());
    if (rope.scaling().equals("llama3")) {
      scaling.addProperty("low_freq_factor", rope.lowFrequencyFactor());
      scaling.addProperty("high_freq_factor", rope.highFrequencyFactor());
      scaling.addProperty("original_max_position_embeddings", rope.originalMaxPositions());
    }
    return scaling;
  }

  private static JsonArray array(String value) {
    JsonArray array = new JsonArray();
    array.add(value);
    return array;
  }

  static void write(DecoderConfig config, Path directory) {
    Path file = directory.resolve(FILE);
    try {
      Files.createDirectories(directory);
      Path temporary = Files.createTempFile(directory, FILE, ".tmp");
      String text = new GsonBuilder().setPrettyPrinting().serializeNulls().create()
          .toJson(toJson(config));
      Files.writeString(temporary, text + "\n", StandardCharsets.UTF_8);
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BondException("Cannot write the model config " + file + ": " + e, e);
    }
  }
}
