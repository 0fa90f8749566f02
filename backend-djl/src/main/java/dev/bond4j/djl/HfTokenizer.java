package dev.bond4j.djl;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.value.TokenSequence;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A HuggingFace {@code tokenizer.json} (BPE, WordPiece, WordLevel, ...) through DJL's bundled
 * Rust tokenizers library: offline, no hub access. Encoding adds no special tokens; the
 * end-of-sequence token is named by its text (GPT-2's is {@code <|endoftext|>}). It holds native
 * memory: {@link #close} it.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final int vocabularySize;
  private final int eosToken;

  private HfTokenizer(HuggingFaceTokenizer tokenizer, int vocabularySize, int eosToken) {
    this.tokenizer = tokenizer;
    this.vocabularySize = vocabularySize;
    this.eosToken = eosToken;
  }

  /**
   * Opens a {@code tokenizer.json}, or the one in a model folder. The end-of-sequence id is the
   * first {@code eos_token_id} of the folder's {@code generation_config.json}, else the token
   * {@code tokenizer_config.json} names as {@code eos_token}.
   *
   * @throws BondException when the file is missing or malformed, or neither file names an EOS
   */
  public static HfTokenizer open(Path fileOrFolder) {
    Path folder = Files.isDirectory(fileOrFolder) ? fileOrFolder : fileOrFolder.toAbsolutePath()
        .getParent();
    Path file = Files.isDirectory(fileOrFolder) ? fileOrFolder.resolve("tokenizer.json")
        : fileOrFolder;
    if (!Files.isRegularFile(file)) {
      throw new BondException("No tokenizer at " + fileOrFolder
          + ": expected a tokenizer.json file or a model folder holding one");
    }
    JsonObject generation = optionalJson(folder.resolve("generation_config.json"));
    JsonElement eosId = generation == null ? null : generation.get("eos_token_id");
    if (eosId != null && eosId.isJsonArray() && !eosId.getAsJsonArray().isEmpty()) {
      eosId = eosId.getAsJsonArray().get(0);
    }
    if (eosId != null && eosId.isJsonPrimitive() && eosId.getAsJsonPrimitive().isNumber()) {
      return load(file, null, eosId.getAsInt());
    }
    JsonObject config = optionalJson(folder.resolve("tokenizer_config.json"));
    JsonElement eosToken = config == null ? null : config.get("eos_token");
    if (eosToken != null && eosToken.isJsonObject()) {
      eosToken = eosToken.getAsJsonObject().get("content");
    }
    if (eosToken != null && eosToken.isJsonPrimitive()) {
      return load(file, eosToken.getAsString(), -1);
    }
    throw new BondException("The tokenizer " + file + " has no end-of-sequence token: put"
        + " eos_token_id in generation_config.json or eos_token in tokenizer_config.json beside it");
  }

  private static JsonObject optionalJson(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8))
          .getAsJsonObject();
    } catch (IOException | RuntimeException e) {
      throw new BondException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads {@code tokenizer.json}.
   *
   * @param file the {@code tokenizer.json} file
   * @param eosText the text of the end-of-sequence token, which the vocabulary must hold
   * @throws BondException when the file cannot be read or parsed, or lacks the EOS token
   */
  public static HfTokenizer load(Path file, String eosText) {
    return load(file, eosText, -1);
  }

  /** Loads {@code tokenizer.json} with the EOS named by its text, or by id when the text is null. */
  private static HfTokenizer load(Path file, String eosText, int eosId) {
    JsonObject json;
    try {
      json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8))
          .getAsJsonObject();
    } catch (IOException | RuntimeException e) {
      throw new BondException("Cannot read the tokenizer " + file + ": " + e.getMessage(), e);
    }
    int size = 0;
    Integer eos = null;
    JsonElement model = json.get("model");
    if (model != null && model.isJsonObject() && model.getAsJsonObject().has("vocab")
        && model.getAsJsonObject().get("vocab").isJsonObject()) {
      for (Map.Entry<String, JsonElement> entry
          : model.getAsJsonObject().getAsJsonObject("vocab").entrySet()) {
        int id = entry.getValue().getAsInt();
        size = Math.max(size, id + 1);
        eos = entry.getKey().equals(eosText) || id == eosId ? Integer.valueOf(id) : eos;
      }
    }
    if (json.has("added_tokens") && json.get("added_tokens").isJsonArray()) {
      for (JsonElement added : json.getAsJsonArray("added_tokens")) {
        int id = added.getAsJsonObject().get("id").getAsInt();
        size = Math.max(size, id + 1);
        eos = added.getAsJsonObject().get("content").getAsString().equals(eosText)
            || id == eosId ? Integer.valueOf(id) : eos;
      }
    }
    Problems.of("tokenizer " + file)
        .check(size > 0, "model.vocab", size, "a vocabulary with at least one token")
        .check(eos != null, "eos token", eosText == null ? eosId : eosText,
            "a token of the vocabulary")
        .throwIfAny();
    try {
      return new HfTokenizer(HuggingFaceTokenizer.newInstance(file, Map.of()), size, eos);
    } catch (IOException | RuntimeException e) {
      throw new BondException("Cannot load the tokenizer " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public TokenSequence encode(String text) {
    long[] ids = tokenizer.encode(text, false, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return TokenSequence.of(out);
  }

  @Override
  public String decode(TokenSequence tokens) {
    long[] ids = new long[tokens.length()];
    int n = 0;
    for (int i = 0; i < tokens.length(); i++) {
      int id = tokens.get(i);
      Problems.require(id < vocabularySize, "tokens[" + i + "]", id,
          "an id in [0, " + vocabularySize + ")");
      if (id != eosToken) {
        ids[n++] = id;
      }
    }
    return tokenizer.decode(Arrays.copyOf(ids, n), true);
  }

  @Override
  public int vocabularySize() {
    return vocabularySize;
  }

  @Override
  public int eosToken() {
    return eosToken;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
