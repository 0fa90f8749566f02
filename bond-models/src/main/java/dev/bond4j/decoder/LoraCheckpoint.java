package dev.bond4j.decoder;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.bond4j.BondException;
import dev.bond4j.spi.LoraSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A LoRA adapter folder in HuggingFace PEFT's layout, which {@code PeftModel.from_pretrained}
 * loads: {@code adapter_config.json} ({@code peft_type} LORA, {@code r}, {@code lora_alpha},
 * {@code lora_dropout}, {@code target_modules}, {@code bias} none, {@code task_type} CAUSAL_LM,
 * {@code fan_in_fan_out} for GPT-2's {@code Conv1D}, {@code base_model_name_or_path}) and {@code
 * adapter_model.safetensors} with PEFT's tensor names ({@link LoraLayout#tensorsOf}); for an
 * adapter in training also {@code optimizer.safetensors} with AdamW's moments of the factors and
 * the step, tied to the adapter file by a save id as in {@link DecoderCheckpoint}.
 *
 * @param settings the adapter's settings
 * @param baseModel {@code base_model_name_or_path}, or null
 * @param weights the factors in {@link LoraLayout}'s order
 * @param firstMoment AdamW's first moments, or null when the folder holds no optimizer state
 * @param secondMoment AdamW's second moments, or null
 * @param steps optimizer steps taken
 */
public record LoraCheckpoint(LoraSettings settings, String baseModel, float[] weights,
    float[] firstMoment, float[] secondMoment, long steps) {
  /** PEFT's adapter config file. */
  public static final String CONFIG_FILE = "adapter_config.json";
  /** PEFT's adapter weights file. */
  public static final String ADAPTER_FILE = "adapter_model.safetensors";

  /** Whether {@code directory} holds a PEFT adapter rather than a model. */
  public static boolean isAdapter(Path directory) {
    return Files.exists(directory.resolve(CONFIG_FILE));
  }

  /** Whether the folder held optimizer state. */
  public boolean hasOptimizerState() {
    return firstMoment != null;
  }

  /** Writes the folder for an adapter on a model of shape {@code config}. */
  public void write(Path directory, DecoderConfig config) {
    LoraLayout layout = new LoraLayout(config, settings);
    Map<String, String> metadata = DecoderCheckpoint.metadata(steps, weights, firstMoment,
        secondMoment);
    try {
      Files.createDirectories(directory);
      Path temporary = directory.resolve(CONFIG_FILE + ".tmp");
      Files.writeString(temporary, configJson(config), StandardCharsets.UTF_8);
      Files.move(temporary, directory.resolve(CONFIG_FILE), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BondException("Cannot write the adapter config in " + directory + ": " + e, e);
    }
    if (hasOptimizerState()) {
      Map<String, SafeTensor> moments = new LinkedHashMap<>();
      layout.tensorsOf(firstMoment).forEach((name, t) -> moments.put("exp_avg." + name, t));
      layout.tensorsOf(secondMoment).forEach((name, t) -> moments.put("exp_avg_sq." + name, t));
      new SafeTensors(moments, metadata).write(
          directory.resolve(DecoderCheckpoint.OPTIMIZER_FILE));
    }
    new SafeTensors(layout.tensorsOf(weights), metadata).write(directory.resolve(ADAPTER_FILE));
  }

  private String configJson(DecoderConfig config) {
    JsonObject json = new JsonObject();
    json.addProperty("peft_type", "LORA");
    json.addProperty("task_type", "CAUSAL_LM");
    json.addProperty("base_model_name_or_path", baseModel);
    json.addProperty("r", settings.rank());
    json.addProperty("lora_alpha", settings.alpha());
    json.addProperty("lora_dropout", settings.dropout());
    JsonArray modules = new JsonArray();
    settings.targetModules().forEach(modules::add);
    json.add("target_modules", modules);
    json.addProperty("bias", "none");
    if (settings.modulesToSave().isEmpty()) {
      json.add("modules_to_save", null);
    } else {
      JsonArray saved = new JsonArray();
      settings.modulesToSave().forEach(saved::add);
      json.add("modules_to_save", saved);
      if (config.tiedEmbeddings()) {
        json.addProperty("ensure_weight_tying", true);
      }
    }
    json.addProperty("fan_in_fan_out", config.isGpt2());
    json.addProperty("inference_mode", false);
    json.addProperty("init_lora_weights", true);
    json.addProperty("use_rslora", false);
    json.addProperty("use_dora", false);
    return new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(json) + "\n";
  }

  /** The settings in a folder's {@code adapter_config.json}. */
  public static LoraSettings settings(Path directory) {
    JsonObject json = config(directory);
    return new LoraSettings(intValue(json, "r", directory), number(json, "lora_alpha", directory),
        number(json, "lora_dropout", directory), modules(json, "target_modules"),
        modules(json, "modules_to_save"));
  }

  /** The base model folder an adapter folder names, resolved against the folder. */
  public static Path baseModel(Path directory) {
    JsonElement base = config(directory).get("base_model_name_or_path");
    if (base == null || base.isJsonNull()) {
      throw new BondException("The adapter config " + directory.resolve(CONFIG_FILE)
          + " names no base_model_name_or_path; load the base model and the adapter separately");
    }
    return directory.resolve(base.getAsString()).normalize();
  }

  /**
   * Reads and validates a folder for an adapter on a model of shape {@code config}.
   *
   * @param optimizerState whether to read {@code optimizer.safetensors} when it is there
   * @throws BondException (one line) when a file is malformed, the config is not LoRA's, or a
   *     tensor is missing, extra or misshapen for this model
   */
  public static LoraCheckpoint read(Path directory, DecoderConfig config, boolean optimizerState) {
    JsonObject json = config(directory);
    String file = directory.resolve(CONFIG_FILE).toString();
    expect(json, "peft_type", "LORA", file);
    expect(json, "bias", "none", file);
    for (String unsupported : List.of("use_dora", "use_rslora")) {
      JsonElement flag = json.get(unsupported);
      if (flag != null && !flag.isJsonNull() && flag.getAsBoolean()) {
        throw new BondException("The adapter config " + file + " sets " + unsupported
            + ": only plain LoRA is supported");
      }
    }
    LoraSettings settings = settings(directory);
    JsonElement tying = json.get("ensure_weight_tying");
    if (config.tiedEmbeddings() && !settings.modulesToSave().isEmpty()
        && (tying == null || tying.isJsonNull() || !tying.getAsBoolean())) {
      throw new BondException("The adapter config " + file + " saves "
          + settings.modulesToSave() + " of a model whose head is its token embedding, without"
          + " ensure_weight_tying; bond4j trains them as one tied copy only");
    }
    LoraLayout layout = new LoraLayout(config, settings);
    Path adapterFile = directory.resolve(ADAPTER_FILE);
    SafeTensors adapter = SafeTensors.read(adapterFile);
    float[] weights = layout.valuesOf(adapter.tensors(), adapterFile.toString());
    JsonElement base = json.get("base_model_name_or_path");
    String baseModel = base == null || base.isJsonNull() ? null : base.getAsString();
    Path optimizerFile = directory.resolve(DecoderCheckpoint.OPTIMIZER_FILE);
    if (!optimizerState || !Files.exists(optimizerFile)) {
      return new LoraCheckpoint(settings, baseModel, weights, null, null, 0);
    }
    DecoderCheckpoint.Moments moments = DecoderCheckpoint.Moments.read(directory, ADAPTER_FILE,
        adapter.metadata() == null ? null : adapter.metadata().get(DecoderCheckpoint.SAVE_ID));
    return new LoraCheckpoint(settings, baseModel, weights,
        layout.valuesOf(moments.first(), optimizerFile.toString()),
        layout.valuesOf(moments.second(), optimizerFile.toString()), moments.steps());
  }

  /**
   * Merges an adapter folder into the base model folder it names and writes the merged model (
   * {@code config.json}, float32 {@code model.safetensors}) to {@code out}: a plain model any
   * backend loads, or {@code DecoderOnnxExport} exports to ONNX.
   *
   * @throws BondException when a file is missing or malformed, or the adapter does not fit its base
   */
  public static void merge(Path adapterDirectory, Path out) {
    DecoderCheckpoint base = DecoderCheckpoint.read(baseModel(adapterDirectory), false);
    LoraCheckpoint adapter = read(adapterDirectory, base.config(), false);
    float[] merged = new LoraLayout(base.config(), adapter.settings())
        .merge(base.weights(), adapter.weights());
    new DecoderCheckpoint(base.config(), merged, null, null, 0).write(out);
  }

  private static JsonObject config(Path directory) {
    Path file = directory.resolve(CONFIG_FILE);
    try {
      JsonElement parsed = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      if (!parsed.isJsonObject()) {
        throw new BondException("The adapter config " + file + " is not a JSON object");
      }
      return parsed.getAsJsonObject();
    } catch (IOException e) {
      throw new BondException("Cannot read the adapter config " + file + ": " + e, e);
    } catch (JsonParseException e) {
      throw new BondException("The adapter config " + file + " is not valid JSON: "
          + e.getMessage(), e);
    }
  }

  private static void expect(JsonObject json, String key, String value, String file) {
    JsonElement found = json.get(key);
    String actual = found == null || found.isJsonNull() ? null : found.getAsString();
    if (!value.equals(actual)) {
      throw new BondException("The adapter config " + file + " has " + key + " " + actual
          + "; expected " + value);
    }
  }

  private static double number(JsonObject json, String key, Path directory) {
    JsonElement value = json.get(key);
    if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
      throw new BondException("The adapter config " + directory.resolve(CONFIG_FILE) + " has "
          + key + " " + value + "; expected a number");
    }
    return value.getAsDouble();
  }

  private static int intValue(JsonObject json, String key, Path directory) {
    double value = number(json, key, directory);
    if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
      throw new BondException("The adapter config " + directory.resolve(CONFIG_FILE) + " has "
          + key + " " + value + "; expected an integer");
    }
    return (int) value;
  }

  /**
   * PEFT writes {@code target_modules} as a list, or as one name (a regular expression); {@code
   * modules_to_save} as a list or null.
   */
  private static List<String> modules(JsonObject json, String key) {
    JsonElement value = json.get(key);
    List<String> modules = new ArrayList<>();
    if (value != null && value.isJsonArray()) {
      value.getAsJsonArray().forEach(element -> modules.add(element.getAsString()));
    } else if (value != null && value.isJsonPrimitive()) {
      modules.add(value.getAsString());
    }
    return modules;
  }
}
