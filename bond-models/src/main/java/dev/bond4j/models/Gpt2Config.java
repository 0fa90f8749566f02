package dev.bond4j.models;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.bond4j.BondException;
import dev.bond4j.MemoryBudget;
import dev.bond4j.Problems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;

/**
 * The shape of a GPT-2-family model, read from and written to HuggingFace's {@code config.json}
 * (the {@code gpt2} model type: learned positions, pre-LayerNorm blocks, GELU MLP, a head tied to
 * the token embedding). Every field is validated and all problems are reported together.
 *
 * @param vocabularySize {@code vocab_size}
 * @param maxPositions {@code n_positions}: the longest prompt plus completion
 * @param embeddingSize {@code n_embd}, a multiple of {@code heads}
 * @param layers {@code n_layer}
 * @param heads {@code n_head}
 * @param innerSize {@code n_inner}: the MLP width, {@code 4 * n_embd} when absent
 * @param layerNormEpsilon {@code layer_norm_epsilon}
 * @param activation {@code activation_function}: {@code gelu_new} (tanh form, GPT-2's), {@code
 *     gelu_pytorch_tanh}, {@code gelu_fast} (all the tanh form) or {@code gelu} (exact erf form)
 * @param eosToken {@code eos_token_id}
 */
public record Gpt2Config(int vocabularySize, int maxPositions, int embeddingSize, int layers,
    int heads, int innerSize, double layerNormEpsilon, String activation, int eosToken) {
  /** Activation names of the tanh approximation of GELU. */
  public static final Set<String> TANH_GELU = Set.of("gelu_new", "gelu_pytorch_tanh", "gelu_fast");
  private static final String FILE = "config.json";

  /** Validates every field at once. */
  public Gpt2Config {
    Problems problems = Problems.of("GPT-2 config")
        .atLeast("vocab_size", vocabularySize, 2)
        .atLeast("n_positions", maxPositions, 2)
        .atLeast("n_embd", embeddingSize, 1)
        .atLeast("n_layer", layers, 1)
        .atLeast("n_head", heads, 1)
        .atLeast("n_inner", innerSize, 1)
        .check(layerNormEpsilon > 0 && Double.isFinite(layerNormEpsilon), "layer_norm_epsilon",
            layerNormEpsilon, "a finite number > 0")
        .check(activation != null
                && (TANH_GELU.contains(activation) || activation.equals("gelu")),
            "activation_function", activation, "one of gelu_new, gelu_pytorch_tanh, gelu_fast, gelu")
        .check(eosToken >= 0 && eosToken < vocabularySize, "eos_token_id", eosToken,
            "an id in [0, vocab_size = " + vocabularySize + ")");
    problems.check(heads < 1 || embeddingSize % heads == 0, "n_embd", embeddingSize,
        "a multiple of n_head = " + heads);
    problems.throwIfAny();
    long parameters = parameterCount(vocabularySize, maxPositions, embeddingSize, layers,
        innerSize);
    Problems.require(parameters <= MemoryBudget.MAX_ARRAY_LENGTH, "parameters", parameters,
        "at most " + MemoryBudget.MAX_ARRAY_LENGTH + ", the most a Java array holds (vocab_size,"
            + " n_positions, n_embd, n_inner or n_layer is too large)");
  }

  /**
   * A GPT-2 shape with the usual defaults: MLP width {@code 4 * d}, epsilon 1e-5, {@code gelu_new},
   * EOS the last id.
   */
  public static Gpt2Config of(int vocabularySize, int maxPositions, int embeddingSize, int layers,
      int heads) {
    return new Gpt2Config(vocabularySize, maxPositions, embeddingSize, layers, heads,
        4 * embeddingSize, 1e-5, "gelu_new", vocabularySize - 1);
  }

  /** The same shape with another end-of-sequence id. */
  public Gpt2Config withEosToken(int eos) {
    return new Gpt2Config(vocabularySize, maxPositions, embeddingSize, layers, heads, innerSize,
        layerNormEpsilon, activation, eos);
  }

  /** Width of one attention head. */
  public int headSize() {
    return embeddingSize / heads;
  }

  /** Number of parameters (the head is tied, so it adds none). */
  public long parameterCount() {
    return parameterCount(vocabularySize, maxPositions, embeddingSize, layers, innerSize);
  }

  private static long parameterCount(long vocabularySize, long maxPositions, long d, long layers,
      long innerSize) {
    long perLayer = 4 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * innerSize + innerSize)
        + (innerSize * d + d);
    return vocabularySize * d + maxPositions * d + layers * perLayer + 2 * d;
  }

  /** Reads {@code config.json} from a model folder. */
  public static Gpt2Config read(Path directory) {
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
      Gpt2Config config = fromJson(json, file.toString());
      long parameters = config.parameterCount();
      MemoryBudget.require("parameters", parameters, "the model in " + directory
          + " (its weights read into Java, then copied to the engine)", 4.0 * parameters,
          8.0 * parameters);
      return config;
    } catch (IllegalStateException | UnsupportedOperationException | ClassCastException e) {
      throw new BondException("The model config " + file + " has a field of the wrong JSON type: "
          + e.getMessage(), e);
    }
  }

  static Gpt2Config fromJson(JsonObject json, String source) {
    Problems problems = Problems.of("GPT-2 config " + source);
    String type = json.has("model_type") ? json.get("model_type").getAsString() : "gpt2";
    problems.check(type.equals("gpt2"), "model_type", type, "\"gpt2\"");
    boolean tied = !json.has("tie_word_embeddings")
        || json.get("tie_word_embeddings").getAsBoolean();
    problems.check(tied, "tie_word_embeddings", false, "true (the head is the token embedding)");
    int vocab = integer(json, "vocab_size", -1, problems);
    int positions = integer(json, "n_positions", -1, problems);
    int embd = integer(json, "n_embd", -1, problems);
    int layers = integer(json, "n_layer", -1, problems);
    int heads = integer(json, "n_head", -1, problems);
    int inner = json.has("n_inner") && !json.get("n_inner").isJsonNull()
        ? integer(json, "n_inner", -1, problems) : 4 * embd;
    int eos = integer(json, "eos_token_id", vocab - 1, problems);
    double epsilon = json.has("layer_norm_epsilon")
        ? number(json, "layer_norm_epsilon", problems) : 1e-5;
    String activation = json.has("activation_function")
        ? json.get("activation_function").getAsString() : "gelu_new";
    problems.throwIfAny();
    return new Gpt2Config(vocab, positions, embd, layers, heads, inner, epsilon, activation, eos);
  }

  private static int integer(JsonObject json, String field, int fallback, Problems problems) {
    if (!json.has(field)) {
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
    problems.check(false, field, value, "an integer");
    return fallback;
  }

  private static double number(JsonObject json, String field, Problems problems) {
    JsonElement value = json.get(field);
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
      return value.getAsDouble();
    }
    problems.check(false, field, value, "a number");
    return 1e-5;
  }

  /** This config as HuggingFace's JSON. */
  JsonObject toJson() {
    JsonObject json = new JsonObject();
    json.add("architectures", new Gson().toJsonTree(new String[] {"GPT2LMHeadModel"}));
    json.addProperty("model_type", "gpt2");
    json.addProperty("vocab_size", vocabularySize);
    json.addProperty("n_positions", maxPositions);
    json.addProperty("n_ctx", maxPositions);
    json.addProperty("n_embd", embeddingSize);
    json.addProperty("n_layer", layers);
    json.addProperty("n_head", heads);
    json.addProperty("n_inner", innerSize);
    json.addProperty("layer_norm_epsilon", layerNormEpsilon);
    json.addProperty("activation_function", activation);
    json.addProperty("bos_token_id", eosToken);
    json.addProperty("eos_token_id", eosToken);
    json.add("tie_word_embeddings", new JsonPrimitive(true));
    json.addProperty("resid_pdrop", 0.0);
    json.addProperty("embd_pdrop", 0.0);
    json.addProperty("attn_pdrop", 0.0);
    return json;
  }

  /** Writes {@code config.json} into a model folder, atomically. */
  public void write(Path directory) {
    Path file = directory.resolve(FILE);
    try {
      Files.createDirectories(directory);
      Path temporary = Files.createTempFile(directory, FILE, ".tmp");
      String text = new GsonBuilder().setPrettyPrinting().create().toJson(toJson());
      Files.writeString(temporary, text + "\n", StandardCharsets.UTF_8);
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BondException("Cannot write the model config " + file + ": " + e, e);
    }
  }
}
