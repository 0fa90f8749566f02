package dev.bond4j.dl4j;

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
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trainable decoder policy (GPT-2 or Llama family) on ND4J SameDiff: sampling, sequence
 * log-probabilities, and one AdamW step per {@link #update} on {@code −Σ w_i log π(y_i|x_i)},
 * micro-batched by adding up the gradients of the parts. Checkpoints are HuggingFace folders ({@code config.json}, {@code
 * model.safetensors}) plus {@code optimizer.safetensors} with the moments and step, the same
 * format as the DJL backend's. With a LoRA adapter ({@link #withNewAdapter}, or {@link #load} of
 * a PEFT adapter folder) only the adapter trains, over frozen base weights (graph constants) that
 * its reference and anchors share; it then checkpoints as a PEFT adapter folder. It holds native memory: {@link #close} it. Not thread-safe: use it
 * from one thread at a time.
 */
public final class Dl4jPolicy extends TrainableDecoderPolicy<Dl4jModel> {
  private final AdamW optimizer;
  private final BackendOptions options;
  /** The LoRA dropout of the micro-batch being trained, or null: no dropout. */
  private LoraDropout dropout;

  private Dl4jPolicy(Dl4jModel model, OptimizerSettings settings, BackendOptions options) {
    super(model);
    this.optimizer = new AdamW(settings,
        model.adapter == null ? model.parameters.tensors : model.adapter.tensors);
    this.options = options;
    model.graph.prepareGradients(options.filterEngineStdout());
  }

  /**
   * A freshly initialised policy (the layout's initialisation, drawn from {@code seed}, the same
   * values as on the other backends).
   *
   * @throws BondException when the device is not available
   */
  public static Dl4jPolicy create(DecoderConfig config, long seed, OptimizerSettings settings,
      BackendOptions options) {
    return withValues(config, new DecoderLayout(config).initialValues(seed), settings, options);
  }

  /**
   * A policy from a HuggingFace model folder ({@code config.json} and its safetensors weights);
   * when the folder also holds a bond4j {@code optimizer.safetensors}, training resumes from it.
   *
   * @throws BondException when a file is missing or malformed, or does not fit the config
   */
  public static Dl4jPolicy load(Path directory, OptimizerSettings settings,
      BackendOptions options) {
    Dl4jRuntime.prepare(options);
    if (LoraCheckpoint.isAdapter(directory)) {
      Path baseDirectory = LoraCheckpoint.baseModel(directory);
      DecoderCheckpoint base = DecoderCheckpoint.read(baseDirectory, false);
      LoraCheckpoint adapter = LoraCheckpoint.read(directory, base.config(), true);
      Dl4jPolicy policy = adapted(base.config(), base.weights(), new LoraLayout(base.config(),
          adapter.settings()), adapter.weights(), baseDirectory, settings, options);
      policy.optimizer.restore(adapter.firstMoment(), adapter.secondMoment(), adapter.steps());
      return policy;
    }
    DecoderCheckpoint checkpoint = DecoderCheckpoint.read(directory, true);
    Dl4jPolicy policy = withValues(checkpoint.config(), checkpoint.weights(), settings, options);
    policy.restoreOptimizer(checkpoint);
    return policy;
  }

  /**
   * A policy that trains a fresh LoRA adapter ({@code lora}, PEFT's initialisation drawn from
   * {@code seed}, so that it starts as the base model) over the frozen weights of a model folder,
   * which its reference and anchors share.
   *
   * @throws BondException when a file is missing or malformed, or the adapter does not fit the
   *     model (a target module it lacks, a rank above a layer's dimension)
   */
  public static Dl4jPolicy withNewAdapter(Path baseDirectory, LoraSettings lora, long seed,
      OptimizerSettings settings, BackendOptions options) {
    Dl4jRuntime.prepare(options);
    DecoderCheckpoint base = DecoderCheckpoint.read(baseDirectory, false);
    LoraLayout layout = new LoraLayout(base.config(), lora);
    DecoderLayout tensors = new DecoderLayout(base.config());
    float[] initial = layout.initialValues(seed, i -> Arrays.copyOfRange(base.weights(),
        (int) tensors.offset(i), (int) tensors.offset(i + 1)));
    return adapted(base.config(), base.weights(), layout, initial, baseDirectory, settings,
        options);
  }

  private static Dl4jPolicy adapted(DecoderConfig config, float[] base, LoraLayout layout,
      float[] adapter, Path baseDirectory, OptimizerSettings settings, BackendOptions options) {
    Dl4jParameters parameters = Dl4jParameters.of(config, base);
    return new Dl4jPolicy(new Dl4jModel(parameters, SharedStore.of(parameters),
        Dl4jAdapter.of(layout, adapter), baseDirectory.toAbsolutePath().normalize().toString()),
        settings, options);
  }

  private static Dl4jPolicy withValues(DecoderConfig config, float[] values,
      OptimizerSettings settings, BackendOptions options) {
    Dl4jRuntime.prepare(options);
    return new Dl4jPolicy(new Dl4jModel(Dl4jParameters.of(config, values)), settings, options);
  }

  @Override
  protected OptimizerState optimizer() {
    return optimizer;
  }

  @Override
  protected int minimumLength() {
    return 2;
  }

  @Override
  protected void trainingDropout(LoraDropout dropout) {
    this.dropout = dropout;
  }

  /** Releases unreachable native buffers when the options ask for it. */
  @Override
  protected void afterStep() {
    if (options.trimNativeMemory()) {
      NativeHeap.release();
    }
  }

  /**
   * Forward and backward of one micro-batch; its gradients are added to the optimizer's
   * accumulated gradients and closed.
   *
   * @return the micro-batch's loss, summed in double precision
   */
  @Override
  protected double accumulate(PackedSequences packed, List<WeightedSequence> sequences) {
    double[] weights = new double[sequences.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = sequences.get(i).weight();
    }
    Map<String, INDArray> placeholders =
        model.inputs(packed, packed.positionWeights(weights)).arrays();
    OutAndGrad result = null;
    try {
      model.graph.putDropout(placeholders, dropout, packed.batch(), packed.length());
      model.graph.freeIntermediatesEagerly();
      result = model.graph.sameDiff.calculateGradientsAndOutputs(placeholders,
          List.of(DecoderGraph.TARGET_LOG_PROBS), List.of(model.graph.variableNames));
      String[] names = model.graph.variableNames;
      for (int i = 0; i < names.length; i++) {
        optimizer.gradients[i].addi(result.getGradients().get(names[i]));
      }
      float[] perPosition = NdArrays.values(
          result.getOutputs().get(DecoderGraph.TARGET_LOG_PROBS));
      double sum = 0;
      for (int n = 0; n < packed.tokenCount(); n++) {
        sum -= weights[packed.rowOf()[n]] * perPosition[packed.predictingPosition()[n]];
      }
      return sum;
    } catch (RuntimeException e) {
      throw NativeEngineException.failed("ND4J", "updating", e);
    } finally {
      NdArrays.closeAll(placeholders);
      if (result != null) {
        NdArrays.closeAll(result.getGradients());
        NdArrays.closeAll(result.getOutputs());
      }
    }
  }

  /**
   * A frozen copy of the current parameters; for a LoRA policy, of its adapter, over the same base
   * weights (not copied).
   */
  @Override
  public Dl4jSnapshot snapshot() {
    if (model.adapter != null) {
      return new Dl4jSnapshot(model.withAdapter(model.adapter.copy()));
    }
    return new Dl4jSnapshot(new Dl4jModel(model.parameters.copy()));
  }

  /** For a LoRA policy, its base with the adapter off, sharing the weights; else a snapshot. */
  @Override
  public Dl4jSnapshot referenceSnapshot() {
    return model.adapter == null ? snapshot() : new Dl4jSnapshot(model.withAdapter(null));
  }

  /** The adapter, for snapshots that follow this policy; null for a plain policy. */
  Dl4jAdapter adapterInternal() {
    return model.adapter;
  }

  /** The parameters, for snapshots that follow this policy. */
  Dl4jParameters parametersInternal() {
    return model.parameters;
  }

  /** The device and thread options this policy was made with. */
  public BackendOptions options() {
    return options;
  }


  @Override
  public void close() {
    optimizer.close();
    super.close();
  }
}
