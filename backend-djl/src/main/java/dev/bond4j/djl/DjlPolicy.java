package dev.bond4j.djl;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;
import dev.bond4j.NumericalException;
import dev.bond4j.Problems;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.models.Gpt2Checkpoint;
import dev.bond4j.models.Gpt2Config;
import dev.bond4j.models.Gpt2Layout;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.UpdateResult;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A trainable GPT-2-family policy on DJL's PyTorch engine: KV-cache sampling, sequence
 * log-probabilities, and one AdamW step per {@link #update} on {@code −Σ w_i log π(y_i|x_i)},
 * micro-batched by accumulating gradients. Checkpoints are HuggingFace folders ({@code
 * config.json}, {@code model.safetensors}) plus {@code optimizer.safetensors} with the moments and
 * step. It holds native memory: {@link #close} it. Not thread-safe: use it from one thread at a
 * time.
 */
public final class DjlPolicy extends Gpt2Policy implements TrainablePolicy {
  private final AdamW optimizer;
  private final DjlOptions options;
  private UpdateResult lastUpdate;

  private DjlPolicy(Gpt2Model model, OptimizerSettings settings, DjlOptions options) {
    super(model);
    this.optimizer = new AdamW(settings, model.parameters);
    this.options = options;
  }

  /**
   * A freshly initialised policy (GPT-2's initialisation, drawn from {@code seed}).
   *
   * @throws BondException when the device is not available
   */
  public static DjlPolicy create(Gpt2Config config, long seed, OptimizerSettings settings,
      DjlOptions options) {
    return withValues(config, new Gpt2Layout(config).initialValues(seed), settings, options);
  }

  /**
   * A policy from a HuggingFace GPT-2 folder ({@code config.json}, {@code model.safetensors}); when
   * the folder also holds a bond4j {@code optimizer.safetensors}, training resumes from it.
   *
   * @throws BondException when a file is missing or malformed, or does not fit the config
   */
  public static DjlPolicy load(Path directory, OptimizerSettings settings, DjlOptions options) {
    Gpt2Checkpoint checkpoint = Gpt2Checkpoint.read(directory, true);
    DjlPolicy policy = withValues(checkpoint.config(), checkpoint.weights(), settings, options);
    Checkpoint.restoreOptimizer(checkpoint, policy.optimizer);
    return policy;
  }

  private static DjlPolicy withValues(Gpt2Config config, float[] values,
      OptimizerSettings settings, DjlOptions options) {
    Gpt2Parameters parameters = Gpt2Parameters.of(config, values, DjlRuntime.prepare(options),
        true);
    return new DjlPolicy(new Gpt2Model(parameters), settings, options);
  }

  @Override
  public UpdateResult update(List<WeightedSequence> batch) {
    Problems.require(!batch.isEmpty(), "batch", batch.size(), "at least one weighted sequence");
    OptimizerSettings settings = optimizer.settings();
    int micro = settings.microBatchSize() == 0 ? batch.size() : settings.microBatchSize();
    List<PackedSequences> parts = new ArrayList<>();
    long tokens = 0;
    for (int from = 0; from < batch.size(); from += micro) {
      PackedSequences packed = PackedSequences.of(
          batch.subList(from, Math.min(batch.size(), from + micro)), model.config);
      parts.add(packed);
      tokens += packed.tokenCount();
    }
    optimizer.zeroGradients();
    double loss = 0;
    int offset = 0;
    try {
      for (PackedSequences packed : parts) {
        loss += accumulate(packed, batch.subList(offset, offset + packed.batch));
        offset += packed.batch;
      }
      if (!Double.isFinite(loss)) {
        throw new NumericalException("The loss is " + loss + "; the step was skipped");
      }
      double norm = optimizer.step();
      lastUpdate = UpdateResult.builder().loss(loss).gradientNorm(norm)
          .learningRate(settings.learningRateAt(optimizer.steps)).sequences(batch.size())
          .tokens(tokens).build();
      return lastUpdate;
    } catch (EngineException e) {
      throw new NativeEngineException("The PyTorch engine failed in an update: " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      throw new NativeEngineException("Another DJL update is running in this process (DJL allows one "
          + "gradient recording at a time): " + e.getMessage(), e);
    }
  }

  /** Forward and backward of one micro-batch; gradients add up in the parameters. */
  private double accumulate(PackedSequences packed, List<WeightedSequence> sequences) {
    float[] weights = new float[packed.tokenCount()];
    for (int n = 0; n < weights.length; n++) {
      weights[n] = (float) sequences.get(packed.rowOf[n]).weight();
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
        sum -= sequences.get(packed.rowOf[n]).weight() * values[n];
      }
      return sum;
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
  public DjlSnapshot snapshot() {
    return new DjlSnapshot(new Gpt2Model(model.parameters.copy(false)));
  }

  /** The parameters, for snapshots that follow this policy. */
  Gpt2Parameters parametersInternal() {
    return model.parameters;
  }

  /** The device and thread options this policy was made with. */
  public DjlOptions options() {
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
          + Gpt2Checkpoint.OPTIMIZER_FILE + "; use DjlPolicy.load to start from pretrained weights");
    }
    model.parameters.setValues(checkpoint.weights());
    Checkpoint.restoreOptimizer(checkpoint, optimizer);
  }
}
