package dev.bond4j.dl4j;

import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;
import dev.bond4j.models.OptimizerState;
import dev.bond4j.models.TrainableDecoderPolicy;
import dev.bond4j.models.DecoderCheckpoint;
import dev.bond4j.models.DecoderConfig;
import dev.bond4j.models.DecoderLayout;
import dev.bond4j.models.PackedSequences;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trainable decoder policy (GPT-2 or Llama family) on ND4J SameDiff: sampling, sequence
 * log-probabilities, and one AdamW step per {@link #update} on {@code −Σ w_i log π(y_i|x_i)},
 * micro-batched by adding up the gradients of the parts. Checkpoints are HuggingFace folders ({@code config.json}, {@code
 * model.safetensors}) plus {@code optimizer.safetensors} with the moments and step, the same
 * format as the DJL backend's. It holds native memory: {@link #close} it. Not thread-safe: use it
 * from one thread at a time.
 */
public final class Dl4jPolicy extends TrainableDecoderPolicy<Dl4jModel> {
  private final AdamW optimizer;
  private final BackendOptions options;

  private Dl4jPolicy(Dl4jModel model, OptimizerSettings settings, BackendOptions options) {
    super(model);
    this.optimizer = new AdamW(settings, model.parameters);
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
    DecoderCheckpoint checkpoint = DecoderCheckpoint.read(directory, true);
    Dl4jPolicy policy = withValues(checkpoint.config(), checkpoint.weights(), settings, options);
    policy.restoreOptimizer(checkpoint);
    return policy;
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

  @Override
  public Dl4jSnapshot snapshot() {
    return new Dl4jSnapshot(new Dl4jModel(model.parameters.copy()));
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
