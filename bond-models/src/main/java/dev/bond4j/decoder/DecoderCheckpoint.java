package dev.bond4j.decoder;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A model checkpoint folder, the format every engine backend writes: HuggingFace's {@code
 * config.json} and {@code model.safetensors} in float32 with the family's tensor names (loadable by
 * {@code AutoModelForCausalLM.from_pretrained}), and, for a policy in training, {@code optimizer.safetensors}
 * with AdamW's moments ({@code exp_avg.NAME}, {@code exp_avg_sq.NAME}) and the step. Each file is
 * replaced atomically, the model file last; both safetensors files carry the step and a save id
 * (derived from the saved values, so the files of one state are the same byte for byte) in their
 * metadata, so a folder whose files come from two different saves is refused on reading instead
 * of resuming from a mix. Values are in {@link DecoderLayout}'s canonical order. Reading also
 * takes HuggingFace's sharded weights ({@link WeightFiles}) in F32, BF16 or F16.
 *
 * @param config the model shape
 * @param weights all parameters in the canonical order
 * @param firstMoment AdamW's first moments, or null when the folder holds no optimizer state
 * @param secondMoment AdamW's second moments, or null
 * @param steps optimizer steps taken
 */
public record DecoderCheckpoint(DecoderConfig config, float[] weights, float[] firstMoment,
    float[] secondMoment, long steps) {
  /** The weights' file. */
  public static final String MODEL_FILE = "model.safetensors";
  /** The optimizer state's file. */
  public static final String OPTIMIZER_FILE = "optimizer.safetensors";
  static final String STEP = "bond4j.step";
  static final String SAVE_ID = "bond4j.save_id";

  /** Whether the folder held optimizer state. */
  public boolean hasOptimizerState() {
    return firstMoment != null;
  }

  /**
   * Reads a folder a trainable policy of shape {@code config} resumes from: it must hold optimizer
   * state and have the same shape.
   *
   * @param loader what starts from pretrained weights instead, for the message
   * @throws BondException when the shape differs or the optimizer state is missing
   */
  public static DecoderCheckpoint resumable(Path directory, DecoderConfig config, String loader) {
    DecoderCheckpoint checkpoint = read(directory, true);
    Problems.require(checkpoint.config().sameShape(config), "checkpoint config",
        checkpoint.config(), "the policy's own config " + config);
    if (!checkpoint.hasOptimizerState()) {
      throw new BondException("The checkpoint " + directory + " has no " + OPTIMIZER_FILE
          + "; use " + loader + " to start from pretrained weights");
    }
    return checkpoint;
  }

  /**
   * The weights of a folder for a frozen model of shape {@code config}.
   *
   * @throws BondException when the shape differs
   */
  public static float[] weightsFor(Path directory, DecoderConfig config) {
    DecoderCheckpoint checkpoint = read(directory, false);
    Problems.require(checkpoint.config().sameShape(config), "config in " + directory,
        checkpoint.config(), "the snapshot's config " + config);
    return checkpoint.weights();
  }

  /** Writes the folder; without optimizer state ({@code firstMoment == null}) a frozen model. */
  public void write(Path directory) {
    DecoderLayout layout = new DecoderLayout(config);
    Map<String, String> metadata = metadata(steps, weights, firstMoment, secondMoment);
    config.withDtype("float32").write(directory);
    if (hasOptimizerState()) {
      Map<String, SafeTensor> moments = new LinkedHashMap<>();
      moments.putAll(prefixed("exp_avg.", layout, firstMoment));
      moments.putAll(prefixed("exp_avg_sq.", layout, secondMoment));
      new SafeTensors(moments, metadata).write(directory.resolve(OPTIMIZER_FILE));
    }
    new SafeTensors(layout.tensorsOf(weights), metadata).write(directory.resolve(MODEL_FILE));
    removeShardIndex(directory);
  }

  /** A shard index beside the new single file would win on reading: remove it. */
  private static void removeShardIndex(Path directory) {
    try {
      Files.deleteIfExists(directory.resolve(WeightFiles.INDEX));
    } catch (IOException e) {
      throw new BondException("Cannot remove the stale shard index in " + directory + ": " + e, e);
    }
  }

  /**
   * The metadata of both safetensors files of a save: the step and the save id, hashes of the
   * step and of every value written, so that the same state always gives the same bytes (a
   * resumed run's files equal an uninterrupted run's) while files of two different states still
   * differ.
   */
  static Map<String, String> metadata(long steps, float[] weights, float[] firstMoment,
      float[] secondMoment) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", "pt");
    metadata.put(SAVE_ID, String.format(Locale.ROOT, "%x-%08x-%08x-%08x", steps,
        Arrays.hashCode(weights), Arrays.hashCode(firstMoment), Arrays.hashCode(secondMoment)));
    metadata.put(STEP, String.valueOf(steps));
    return metadata;
  }

  private static Map<String, SafeTensor> prefixed(String prefix, DecoderLayout layout,
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
  public static DecoderCheckpoint read(Path directory, boolean optimizerState) {
    DecoderConfig config = DecoderConfig.read(directory);
    DecoderLayout layout = new DecoderLayout(config);
    float[] weights = new float[Math.toIntExact(layout.parameterCount())];
    String modelId;
    try (WeightFiles model = WeightFiles.open(directory)) {
      new WeightLoader(layout).load(model,
          (offset, chunk, count) -> System.arraycopy(chunk, 0, weights, (int) offset, count));
      modelId = model.metadata().get(SAVE_ID);
    }
    Path optimizerFile = directory.resolve(OPTIMIZER_FILE);
    if (!optimizerState || !Files.exists(optimizerFile)) {
      return new DecoderCheckpoint(config, weights, null, null, 0);
    }
    Moments moments = Moments.read(directory, MODEL_FILE, modelId);
    String source = optimizerFile.toString();
    return new DecoderCheckpoint(config, weights, layout.valuesOf(moments.first(), source),
        layout.valuesOf(moments.second(), source), moments.steps());
  }

  /**
   * AdamW's moments by tensor name and the step, read from a folder's {@code
   * optimizer.safetensors}, which must come from the same save as its weights file.
   *
   * @param first the first moments ({@code exp_avg.NAME}), by {@code NAME}
   * @param second the second moments ({@code exp_avg_sq.NAME}), by {@code NAME}
   * @param steps optimizer steps taken
   */
  record Moments(Map<String, SafeTensor> first, Map<String, SafeTensor> second, long steps) {
    /**
     * Reads {@code directory}'s optimizer file.
     *
     * @param weightsFile the weights file's name, for messages
     * @param weightsId the weights file's save id, which the optimizer file must carry
     */
    static Moments read(Path directory, String weightsFile, String weightsId) {
      Path optimizerFile = directory.resolve(OPTIMIZER_FILE);
      SafeTensors optimizer = SafeTensors.read(optimizerFile);
      String optimizerId = optimizer.metadata().get(SAVE_ID);
      if (weightsId == null || !weightsId.equals(optimizerId)) {
        throw new BondException("The checkpoint " + directory + " is inconsistent: "
            + weightsFile + " (save " + weightsId + ") and " + OPTIMIZER_FILE + " (save "
            + optimizerId + ") come from different saves");
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
          throw new BondException("The checkpoint " + optimizerFile
              + " holds an unexpected tensor " + name);
        }
      }
      return new Moments(first, second, steps);
    }
  }
}
