package dev.bond4j.dl4j;

import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;
import dev.bond4j.NumericalException;
import dev.bond4j.Problems;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.models.Gpt2Checkpoint;
import dev.bond4j.models.Gpt2Config;
import dev.bond4j.models.Gpt2Layout;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.UpdateResult;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trainable GPT-2-family policy on ND4J SameDiff: sampling, sequence log-probabilities, and one
 * AdamW step per {@link #update} on {@code −Σ w_i log π(y_i|x_i)}, micro-batched by adding up
 * the gradients of the parts. Checkpoints are HuggingFace folders ({@code config.json}, {@code
 * model.safetensors}) plus {@code optimizer.safetensors} with the moments and step, the same
 * format as the DJL backend's. It holds native memory: {@link #close} it. Not thread-safe: use it
 * from one thread at a time.
 */
public final class Dl4jPolicy extends Gpt2Policy implements TrainablePolicy {
  private final AdamW optimizer;
  private final BackendOptions options;
  private UpdateResult lastUpdate;

  private Dl4jPolicy(Gpt2Model model, OptimizerSettings settings, BackendOptions options) {
    super(model);
    this.optimizer = new AdamW(settings, model.parameters);
    this.options = options;
    model.graph.prepareGradients();
  }

  /**
   * A freshly initialised policy (GPT-2's initialisation, drawn from {@code seed}, the same
   * values as on the other backends).
   *
   * @throws BondException when the device is not available
   */
  public static Dl4jPolicy create(Gpt2Config config, long seed, OptimizerSettings settings,
      BackendOptions options) {
    return withValues(config, new Gpt2Layout(config).initialValues(seed), settings, options);
  }

  /**
   * A policy from a HuggingFace GPT-2 folder ({@code config.json}, {@code model.safetensors}); when
   * the folder also holds a bond4j {@code optimizer.safetensors}, training resumes from it.
   *
   * @throws BondException when a file is missing or malformed, or does not fit the config
   */
  public static Dl4jPolicy load(Path directory, OptimizerSettings settings,
      BackendOptions options) {
    Dl4jRuntime.prepare(options);
    Gpt2Checkpoint checkpoint = Gpt2Checkpoint.read(directory, true);
    Dl4jPolicy policy = withValues(checkpoint.config(), checkpoint.weights(), settings, options);
    Checkpoint.restoreOptimizer(checkpoint, policy.optimizer);
    return policy;
  }

  private static Dl4jPolicy withValues(Gpt2Config config, float[] values,
      OptimizerSettings settings, BackendOptions options) {
    Dl4jRuntime.prepare(options);
    return new Dl4jPolicy(new Gpt2Model(Dl4jParameters.of(config, values)), settings, options);
  }

  @Override
  public UpdateResult update(List<WeightedSequence> batch) {
    Problems.require(!batch.isEmpty(), "batch", batch.size(), "at least one weighted sequence");
    OptimizerSettings settings = optimizer.settings();
    int micro = settings.microBatchSize() == 0 ? batch.size() : settings.microBatchSize();
    List<List<WeightedSequence>> parts = new ArrayList<>();
    List<PackedSequences> packed = new ArrayList<>();
    long tokens = 0;
    for (int from = 0; from < batch.size(); from += micro) {
      List<WeightedSequence> part = batch.subList(from, Math.min(batch.size(), from + micro));
      parts.add(part);
      packed.add(PackedSequences.of(part, model.config));
      tokens += packed.get(packed.size() - 1).tokenCount();
    }
    optimizer.zeroGradients();
    double loss = 0;
    for (int i = 0; i < parts.size(); i++) {
      loss += accumulate(packed.get(i), parts.get(i));
    }
    if (!Double.isFinite(loss)) {
      throw new NumericalException("The loss is " + loss + "; the step was skipped");
    }
    double norm = optimizer.step();
    NativeHeap.release();
    lastUpdate = UpdateResult.builder().loss(loss).gradientNorm(norm)
        .learningRate(settings.learningRateAt(optimizer.steps)).sequences(batch.size())
        .tokens(tokens).build();
    return lastUpdate;
  }

  /**
   * Forward and backward of one micro-batch; its gradients are added to the optimizer's
   * accumulated gradients and closed.
   *
   * @return the micro-batch's loss, summed in double precision
   */
  private double accumulate(PackedSequences packed, List<WeightedSequence> sequences) {
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
          List.of(Gpt2Graph.TARGET_LOG_PROBS), List.of(model.graph.variableNames));
      String[] names = model.graph.variableNames;
      for (int i = 0; i < names.length; i++) {
        optimizer.gradients[i].addi(result.getGradients().get(names[i]));
      }
      float[] perPosition = NdArrays.values(
          result.getOutputs().get(Gpt2Graph.TARGET_LOG_PROBS));
      double sum = 0;
      for (int n = 0; n < packed.tokenCount(); n++) {
        sum -= weights[packed.rowOf[n]] * perPosition[packed.predictingPosition[n]];
      }
      return sum;
    } catch (RuntimeException e) {
      throw new NativeEngineException("ND4J failed in an update: " + e.getMessage(), e);
    } finally {
      NdArrays.closeAll(placeholders);
      if (result != null) {
        NdArrays.closeAll(result.getGradients());
        NdArrays.closeAll(result.getOutputs());
      }
    }
  }

  /** What the most recent {@link #update} reported, for monitoring; empty before the first. */
  public Optional<UpdateResult> lastUpdate() {
    return Optional.ofNullable(lastUpdate);
  }

  @Override
  public OptimizerSettings optimizerSettings() {
    return optimizer.settings();
  }

  @Override
  public long steps() {
    return optimizer.steps;
  }

  @Override
  public Dl4jSnapshot snapshot() {
    return new Dl4jSnapshot(new Gpt2Model(model.parameters.copy()));
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
  public void save(Path directory) {
    Checkpoint.write(directory, model.parameters, optimizer);
  }

  @Override
  public void load(Path directory) {
    Gpt2Checkpoint checkpoint = Gpt2Checkpoint.read(directory, true);
    Problems.require(checkpoint.config().equals(model.config), "checkpoint config",
        checkpoint.config(), "the policy's own config " + model.config);
    if (!checkpoint.hasOptimizerState()) {
      throw new BondException("The checkpoint " + directory + " has no "
          + Gpt2Checkpoint.OPTIMIZER_FILE + "; use Dl4jPolicy.load to start from pretrained weights");
    }
    model.parameters.setValues(checkpoint.weights());
    Checkpoint.restoreOptimizer(checkpoint, optimizer);
  }

  @Override
  public void close() {
    optimizer.close();
    super.close();
  }
}
