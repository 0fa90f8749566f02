package dev.bond4j.onnx;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.models.Gpt2Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a decoder's HuggingFace {@code config.json} tells {@link OnnxPolicy}: vocabulary, EOS and
 * context, and, where the file says, the cache's layers, key-value heads and head size (checked
 * against the model). GPT-2 configs are read and validated by {@link Gpt2Config}; other model
 * types (Llama and the like) need {@code vocab_size}, {@code eos_token_id} (the first when it is a
 * list) and {@code max_position_embeddings} or {@code n_positions}.
 *
 * @param vocabularySize {@code vocab_size}
 * @param eosToken {@code eos_token_id}
 * @param maxSequenceLength the context
 * @param layers layers of the cache, or -1 when the config does not say
 * @param heads key-value heads of the cache, or -1
 * @param headSize width of one head, or -1
 */
record DecoderConfig(int vocabularySize, int eosToken, int maxSequenceLength, int layers,
    int heads, int headSize) {
  private static final String FILE = "config.json";

  /** Reads {@code config.json} from a model folder. */
  static DecoderConfig read(Path directory) {
    Path file = directory.resolve(FILE);
    JsonObject json;
    try {
      JsonElement parsed = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      if (!parsed.isJsonObject()) {
        throw new BondException("The model config " + file + " is not a JSON object");
      }
      json = parsed.getAsJsonObject();
    } catch (IOException e) {
      throw new BondException("Cannot read the model config " + file + ": " + e, e);
    } catch (JsonParseException e) {
      throw new BondException("The model config " + file + " is not valid JSON: " + e.getMessage(),
          e);
    }
    String type = json.has("model_type") && json.get("model_type").isJsonPrimitive()
        ? json.get("model_type").getAsString() : "gpt2";
    if (type.equals("gpt2")) {
      Gpt2Config gpt2 = Gpt2Config.read(directory);
      return new DecoderConfig(gpt2.vocabularySize(), gpt2.eosToken(), gpt2.maxPositions(),
          gpt2.layers(), gpt2.heads(), gpt2.headSize());
    }
    Problems problems = Problems.of("decoder config " + file);
    int vocabulary = integer(json, problems, "vocab_size");
    int eos = integer(json, problems, "eos_token_id");
    int context = json.has("n_positions") && !json.has("max_position_embeddings")
        ? integer(json, problems, "n_positions")
        : integer(json, problems, "max_position_embeddings");
    problems.atLeast("vocab_size", vocabulary, 2)
        .check(eos >= 0 && eos < vocabulary, "eos_token_id", eos,
            "an id in [0, vocab_size = " + vocabulary + ")")
        .atLeast("max_position_embeddings", context, 2)
        .throwIfAny();
    int layers = optional(json, "num_hidden_layers");
    int attentionHeads = optional(json, "num_attention_heads");
    int heads = json.has("num_key_value_heads") ? optional(json, "num_key_value_heads")
        : attentionHeads;
    int hidden = optional(json, "hidden_size");
    int headSize = json.has("head_dim") ? optional(json, "head_dim")
        : hidden > 0 && attentionHeads > 0 ? hidden / attentionHeads : -1;
    return new DecoderConfig(vocabulary, eos, context, layers, heads, headSize);
  }

  private static int integer(JsonObject json, Problems problems, String field) {
    JsonElement value = json.get(field);
    if (value != null && value.isJsonArray() && !value.getAsJsonArray().isEmpty()) {
      value = value.getAsJsonArray().get(0);
    }
    if (value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
      return value.getAsInt();
    }
    problems.check(false, field, value == null ? "missing" : value, "an integer");
    return -1;
  }

  private static int optional(JsonObject json, String field) {
    JsonElement value = json.get(field);
    return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
        ? value.getAsInt() : -1;
  }
}
