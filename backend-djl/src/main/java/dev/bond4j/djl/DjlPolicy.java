package dev.bond4j.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;
import dev.bond4j.decoder.OptimizerState;
import dev.bond4j.decoder.TrainableDecoderPolicy;
import dev.bond4j.decoder.DecoderCheckpoint;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.decoder.LoraCheckpoint;
import dev.bond4j.decoder.LoraDropout;
import dev.bond4j.decoder.LoraLayout;
import dev.bond4j.decoder.PackedSequences;
import dev.bond4j.decoder.SharedStore;
import dev.bond4j.spi.LoraSettings;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.WeightedSequence;
import dev.bond4j.spi.BackendOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A trainable decoder policy (GPT-2 or the Llama family) on DJL's PyTorch engine: KV-cache
 * sampling, sequence log-probabilities, and one AdamW step per {@link #update} on {@code −Σ w_i log π(y_i|x_i)},
 * micro-batched by accumulating gradients. Checkpoints are HuggingFace folders ({@code
 * config.json}, {@code model.safetensors}) plus {@code optimizer.safetensors} with the moments and
 * step. With a LoRA adapter ({@link #withNewAdapter}, or {@link #load} of a PEFT adapter folder)
 * only the adapter trains, over frozen base weights that its reference and anchors share; it then
 * checkpoints as a PEFT adapter folder. It holds native memory: {@link #close} it. Not thread-safe: use it from one thread at a
 * time.
 */
public final class DjlPolicy extends TrainableDecoderPolicy<DjlModel> {
  private final AdamW optimizer;
  private final BackendOptions options;

  private DjlPolicy(DjlModel model, OptimizerSettings settings, BackendOptions options) {
    super(model);
    this.optimizer = model.adapter == null
        ? new AdamW(settings, model.parameters.manager, model.parameters.flat,
            model.parameters.views)
        : new AdamW(settings, model.adapter.manager, model.adapter.flat, model.adapter.views);
    this.options = options;
  }

  /**
   * A freshly initialised policy (GPT-2's initialisation, drawn from {@code seed}).
   *
   * @throws BondException when the device is not available
   */
  public static DjlPolicy create(DecoderConfig config, long seed, OptimizerSettings settings,
      BackendOptions options) {
    return withValues(config, new DecoderLayout(config).initialValues(seed), settings, options);
  }

  /**
   * A policy from a HuggingFace model folder ({@code config.json} and {@code model.safetensors} or
   * sharded weights, in F32, BF16 or F16), read straight into the engine without a second copy;
   * when the folder also holds a bond4j {@code optimizer.safetensors}, training resumes from it.
   *
   * @throws BondException when a file is missing or malformed, or does not fit the config
   */
  public static DjlPolicy load(Path directory, OptimizerSettings settings,
      BackendOptions options) {
    if (LoraCheckpoint.isAdapter(directory)) {
      return loadAdapter(directory, settings, options);
    }
    if (!Files.exists(directory.resolve(DecoderCheckpoint.OPTIMIZER_FILE))) {
      DjlParameters parameters = DjlParameters.load(directory, DjlRuntime.prepare(options), true);
      return new DjlPolicy(new DjlModel(parameters, options.bf16()), settings, options);
    }
    DecoderCheckpoint checkpoint = DecoderCheckpoint.read(directory, true);
    DjlPolicy policy = withValues(checkpoint.config(), checkpoint.weights(), settings, options);
    policy.restoreOptimizer(checkpoint);
    return policy;
  }

  /**
   * A policy that trains a fresh LoRA adapter ({@code lora}, PEFT's initialisation drawn from
   * {@code seed}, so that it starts as the base model) over the frozen weights of a model folder,
   * which are loaded once and shared with the reference and anchors.
   *
   * @throws BondException when a file is missing or malformed, or the adapter does not fit the
   *     model (a target module it lacks, a rank above a layer's dimension)
   */
  public static DjlPolicy withNewAdapter(Path baseDirectory, LoraSettings lora, long seed,
      OptimizerSettings settings, BackendOptions options) {
    Device device = DjlRuntime.prepare(options);
    DjlParameters base = DjlParameters.load(baseDirectory, device, false);
    try {
      LoraLayout layout = new LoraLayout(base.config, lora);
      DjlAdapter adapter = DjlAdapter.of(layout, layout.initialFactors(seed), device, true);
      adapter.copySaved(base);
      return adapted(base, adapter,
          baseDirectory, settings, options);
    } catch (RuntimeException e) {
      base.close();
      throw e;
    }
  }

  /**
   * A policy from a PEFT adapter folder ({@link LoraCheckpoint}) over the base model folder its
   * {@code base_model_name_or_path} names; training resumes from its optimizer state when it has
   * one.
   */
  private static DjlPolicy loadAdapter(Path directory, OptimizerSettings settings,
      BackendOptions options) {
    Device device = DjlRuntime.prepare(options);
    Path baseDirectory = LoraCheckpoint.baseModel(directory);
    DjlParameters base = DjlParameters.load(baseDirectory, device, false);
    try {
      LoraCheckpoint checkpoint = LoraCheckpoint.read(directory, base.config, true);
      DjlPolicy policy = adapted(base, DjlAdapter.of(new LoraLayout(base.config,
          checkpoint.settings()), checkpoint.weights(), device, true), baseDirectory, settings,
          options);
      policy.optimizer.restore(checkpoint.firstMoment(), checkpoint.secondMoment(),
          checkpoint.steps());
      return policy;
    } catch (RuntimeException e) {
      base.close();
      throw e;
    }
  }

  private static DjlPolicy adapted(DjlParameters base, DjlAdapter adapter, Path baseDirectory,
      OptimizerSettings settings, BackendOptions options) {
    return new DjlPolicy(new DjlModel(base, SharedStore.of(base), adapter,
        baseDirectory.toAbsolutePath().normalize().toString(), options.bf16()), settings, options);
  }

  private static DjlPolicy withValues(DecoderConfig config, float[] values,
      OptimizerSettings settings, BackendOptions options) {
    DjlParameters parameters = DjlParameters.of(config, values, DjlRuntime.prepare(options),
        true);
    return new DjlPolicy(new DjlModel(parameters, options.bf16()), settings, options);
  }

  @Override
  protected OptimizerState optimizer() {
    return optimizer;
  }

  @Override
  protected int minimumLength() {
    return 1;
  }

  /** Forward and backward of one micro-batch; gradients add up in the parameters. */
  @Override
  protected double accumulate(PackedSequences packed, List<WeightedSequence> sequences) {
    float[] weights = new float[packed.tokenCount()];
    for (int n = 0; n < weights.length; n++) {
      weights[n] = (float) sequences.get(packed.rowOf()[n]).weight();
    }
    Engine engine = DjlRuntime.engine();
    try (NDScope scope = new NDScope();
        GradientCollector collector = engine.newGradientCollector()) {
      NDArray tokenLogProbs = model.tokenLogProbs(packed);
      NDArray loss = tokenLogProbs.dot(model.manager().create(weights)).neg();
      collector.backward(loss);
      float[] values = tokenLogProbs.toFloatArray();
      double sum = 0;
      for (int n = 0; n < values.length; n++) {
        sum -= sequences.get(packed.rowOf()[n]).weight() * values[n];
      }
      return sum;
    } catch (EngineException e) {
      throw NativeEngineException.failed(DjlRuntime.NAME, "updating", e);
    } catch (IllegalStateException e) {
      throw new NativeEngineException("Another DJL update is running in this process (DJL allows"
          + " one gradient recording at a time): " + e.getMessage(), e);
    }
  }

  @Override
  protected void trainingDropout(LoraDropout dropout) {
    if (model.adapter != null) {
      model.adapter.dropout(dropout);
    }
  }

  /**
   * A frozen copy of the current parameters; for a LoRA policy, of its adapter, over the same base
   * weights (not copied).
   */
  @Override
  public DjlSnapshot snapshot() {
    if (model.adapter != null) {
      return new DjlSnapshot(model.withAdapter(model.adapter.copy(false)));
    }
    return new DjlSnapshot(new DjlModel(model.parameters.copy(false), options.bf16()));
  }

  /** For a LoRA policy, its base with the adapter off, sharing the weights; else a snapshot. */
  @Override
  public DjlSnapshot referenceSnapshot() {
    return model.adapter == null ? snapshot() : new DjlSnapshot(model.withAdapter(null));
  }

  /** The adapter, for snapshots that follow this policy; null for a plain policy. */
  DjlAdapter adapterInternal() {
    return model.adapter;
  }

  /** The parameters, for snapshots that follow this policy. */
  DjlParameters parametersInternal() {
    return model.parameters;
  }

  /** The device, thread and precision options this policy was made with. */
  public BackendOptions options() {
    return options;
  }

}
