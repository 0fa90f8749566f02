package dev.bond4j.models;

import dev.bond4j.BondException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Arrays;

/**
 * A GPT-2 checkpoint folder, the format every engine backend writes: HuggingFace's {@code
 * config.json} and {@code model.safetensors} (loadable by {@code
 * GPT2LMHeadModel.from_pretrained}), and, for a policy in training, {@code optimizer.safetensors}
 * with AdamW's moments ({@code exp_avg.NAME}, {@code exp_avg_sq.NAME}) and the step. Each file is
 * replaced atomically, the model file last; both safetensors files carry the step and a save id
 * (derived from the saved values, so the files of one state are the same byte for byte) in their
 * metadata, so a folder whose files come from two different saves is refused on reading instead
 * of resuming from a mix. Values are in {@link Gpt2Layout}'s canonical order.
 *
 * @param config the model shape
 * @param weights all parameters in the canonical order
 * @param firstMoment AdamW's first moments, or null when the folder holds no optimizer state
 * @param secondMoment AdamW's second moments, or null
 * @param steps optimizer steps taken
 */
public record Gpt2Checkpoint(Gpt2Config config, float[] weights, float[] firstMoment,
    float[] secondMoment, long steps) {
  /** The weights' file. */
  public static final String MODEL_FILE = "model.safetensors";
  /** The optimizer state's file. */
  public static final String OPTIMIZER_FILE = "optimizer.safetensors";
  private static final String STEP = "bond4j.step";
  private static final String SAVE_ID = "bond4j.save_id";

  /** Whether the folder held optimizer state. */
  public boolean hasOptimizerState() {
    return firstMoment != null;
  }

  /** Writes the folder; without optimizer state ({@code firstMoment == null}) a frozen model. */
  public void write(Path directory) {
    Gpt2Layout layout = new Gpt2Layout(config);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", "pt");
    metadata.put(SAVE_ID, saveId());
    metadata.put(STEP, String.valueOf(steps));
    config.write(directory);
    if (hasOptimizerState()) {
      Map<String, SafeTensor> moments = new LinkedHashMap<>();
      moments.putAll(prefixed("exp_avg.", layout, firstMoment));
      moments.putAll(prefixed("exp_avg_sq.", layout, secondMoment));
      new SafeTensors(moments, metadata).write(directory.resolve(OPTIMIZER_FILE));
    }
    new SafeTensors(layout.tensorsOf(weights), metadata).write(directory.resolve(MODEL_FILE));
  }

  /**
   * The save id: hashes of the step and of every value written, so that the same state always
   * gives the same bytes (a resumed run's files equal an uninterrupted run's) while files of two
   * different states still differ.
   */
  private String saveId() {
    return String.format("%x-%08x-%08x-%08x", steps, Arrays.hashCode(weights),
        Arrays.hashCode(firstMoment), Arrays.hashCode(secondMoment));
  }

  private static Map<String, SafeTensor> prefixed(String prefix, Gpt2Layout layout,
      float[] values) {
    Map<String, SafeTensor> out = new LinkedHashMap<>();
    layout.tensorsOf(values).forEach((name, tensor) -> out.put(prefix + name, tensor));
    return out;
  }

  /**
   * Reads and validates a folder.
   *
   * @param optimizerState whether to read {@code optimizer.safetensors} when it is there
   */
  public static Gpt2Checkpoint read(Path directory, boolean optimizerState) {
    Gpt2Config config = Gpt2Config.read(directory);
    Gpt2Layout layout = new Gpt2Layout(config);
    Path modelFile = directory.resolve(MODEL_FILE);
    SafeTensors model = SafeTensors.read(modelFile);
    float[] weights = layout.valuesOf(model.tensors(), modelFile.toString());
    Path optimizerFile = directory.resolve(OPTIMIZER_FILE);
    if (!optimizerState || !Files.exists(optimizerFile)) {
      return new Gpt2Checkpoint(config, weights, null, null, 0);
    }
    SafeTensors optimizer = SafeTensors.read(optimizerFile);
    String modelId = model.metadata().get(SAVE_ID);
    String optimizerId = optimizer.metadata().get(SAVE_ID);
    if (modelId == null || !modelId.equals(optimizerId)) {
      throw new BondException("The checkpoint " + directory + " is inconsistent: " + MODEL_FILE
          + " (save " + modelId + ") and " + OPTIMIZER_FILE + " (save " + optimizerId
          + ") come from different saves");
    }
    long steps;
    try {
      steps = Long.parseLong(optimizer.metadata().getOrDefault(STEP, ""));
    } catch (NumberFormatException e) {
      throw new BondException("The checkpoint " + optimizerFile + " has no valid " + STEP, e);
    }
    Map<String, SafeTensor> first = new LinkedHashMap<>();
    Map<String, SafeTensor> second = new LinkedHashMap<>();
    for (Map.Entry<String, SafeTensor> entry : optimizer.tensors().entrySet()) {
      String name = entry.getKey();
      if (name.startsWith("exp_avg_sq.")) {
        second.put(name.substring("exp_avg_sq.".length()), entry.getValue());
      } else if (name.startsWith("exp_avg.")) {
        first.put(name.substring("exp_avg.".length()), entry.getValue());
      } else {
        throw new BondException("The checkpoint " + optimizerFile + " holds an unexpected tensor "
            + name);
      }
    }
    String source = optimizerFile.toString();
    return new Gpt2Checkpoint(config, weights, layout.valuesOf(first, source),
        layout.valuesOf(second, source), steps);
  }
}
