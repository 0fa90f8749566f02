package dev.bond4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;
import dev.bond4j.decoder.DecoderCheckpoint;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.decoder.OptimizerState;
import dev.bond4j.decoder.PackedSequences;
import dev.bond4j.decoder.TrainableDecoderPolicy;
import dev.bond4j.onnx.train.TrainingGraphs;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.WeightedSequence;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trainable decoder policy (GPT-2 or the Llama family) on ONNX Runtime alone, without
 * onnxruntime-training: each update runs graphs bond4j generates from the decoder description
 * ({@link TrainingGraphs}): forward and backward of {@code −Σ w_i log π(y_i|x_i)} per micro-batch
 * (one session per batch shape, lengths padded to a multiple of 16, the last few shapes kept),
 * then AdamW. Parameters, moments and
 * accumulated gradients stay in ONNX Runtime between steps; sampling runs the exported decoder's
 * KV-cache path on the same tensors. Checkpoints use the shared format ({@link DecoderCheckpoint}).
 * Devices {@code cpu} and {@code cuda:N} ({@link OnnxOptions}). It holds native memory: {@link
 * #close} it. Not thread-safe.
 */
public final class OnnxTrainablePolicy extends TrainableDecoderPolicy<OnnxTrainableModel> {
  /** Training sessions kept, one per micro-batch shape {@code [B, T]}. */
  private static final int SESSIONS = 4;
  /**
   * Micro-batches are right-padded to a multiple of this many positions (at most the context), so
   * that completions of varying length share a few sessions; padded positions weigh nothing.
   */
  private static final int BUCKET = 16;
  private final OnnxAdamW optimizer;
  private final Map<List<Integer>, GraphSession> sessions =
      new LinkedHashMap<>(SESSIONS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Integer>, GraphSession> eldest) {
          if (size() > SESSIONS) {
            eldest.getValue().close();
            return true;
          }
          return false;
        }
      };

  private OnnxTrainablePolicy(OnnxTrainableModel model, OptimizerSettings settings) {
    super(model);
    this.optimizer = new OnnxAdamW(settings, model);
  }

  /**
   * A freshly initialised policy ({@link DecoderLayout#initialValues}, drawn from {@code seed}).
   *
   * @throws BondException when the device is not available
   */
  public static OnnxTrainablePolicy create(DecoderConfig config, long seed,
      OptimizerSettings settings, OnnxOptions options) {
    return new OnnxTrainablePolicy(OnnxTrainableModel.of(config,
        new DecoderLayout(config).initialValues(seed), options), settings);
  }

  /**
   * A policy from a HuggingFace model folder ({@code config.json} and single or sharded weights in
   * F32, BF16 or F16); when the folder also holds bond4j's {@code optimizer.safetensors}, training
   * resumes from it.
   *
   * @throws BondException when a file is missing or malformed, or does not fit the config
   */
  public static OnnxTrainablePolicy load(Path directory, OptimizerSettings settings,
      OnnxOptions options) {
    boolean resumable = Files.exists(directory.resolve(DecoderCheckpoint.OPTIMIZER_FILE));
    DecoderCheckpoint checkpoint = DecoderCheckpoint.read(directory, resumable);
    DecoderConfig config = checkpoint.config();
    OnnxTrainablePolicy policy = new OnnxTrainablePolicy(OnnxTrainableModel.of(
        config.dtype() == null ? config : config.withDtype("float32"), checkpoint.weights(),
        options), settings);
    if (resumable) {
      policy.restoreOptimizer(checkpoint);
    }
    return policy;
  }

  @Override
  protected OptimizerState optimizer() {
    return optimizer;
  }

  @Override
  protected int minimumLength() {
    return 1;
  }

  /** Forward and backward of one micro-batch; its gradients add to the accumulated ones. */
  @Override
  protected double accumulate(PackedSequences packed, List<WeightedSequence> sequences) {
    int batch = packed.batch();
    int length = packed.length();
    int width = Math.min(model.config().maxPositions(), (length + BUCKET - 1) / BUCKET * BUCKET);
    GraphSession session = sessions.computeIfAbsent(List.of(batch, width),
        shape -> new GraphSession(TrainingGraphs.accumulate(model.config(), batch, width),
            model.options(), "training graph of a " + batch + " x " + width + " batch"));
    double[] sequenceWeights = sequences.stream().mapToDouble(WeightedSequence::weight).toArray();
    int[] tokens = packed.tokens();
    int[] targets = packed.positionTargets();
    float[] positionWeights = packed.positionWeights(sequenceWeights);
    long[] ids = new long[batch * width];
    long[] targetIds = new long[batch * width];
    float[] weights = new float[batch * width];
    for (int row = 0; row < batch; row++) {
      for (int t = 0; t < length; t++) {
        ids[row * width + t] = tokens[row * length + t];
        targetIds[row * width + t] = targets[row * length + t];
        weights[row * width + t] = positionWeights[row * length + t];
      }
    }
    List<OnnxTensor> owned = new ArrayList<>();
    Map<String, OnnxValue> outputs = Map.of();
    try {
      var environment = OnnxSessions.environment();
      Map<String, OnnxTensor> inputs = new HashMap<>(model.parameters().tensors());
      optimizer.accumulated().forEach((name, tensor) ->
          inputs.put(TrainingGraphs.accumulated(name), tensor));
      inputs.put(TrainingGraphs.IDS, own(owned, OnnxTensor.createTensor(environment,
          LongBuffer.wrap(ids), new long[] {batch, width})));
      inputs.put(TrainingGraphs.TARGETS, own(owned, OnnxTensor.createTensor(environment,
          LongBuffer.wrap(targetIds), new long[] {batch, width, 1})));
      inputs.put(TrainingGraphs.WEIGHTS, own(owned, OnnxTensor.createTensor(environment,
          FloatBuffer.wrap(weights), new long[] {batch, width})));
      outputs = session.run(inputs);
      float[] logProbs = floats(outputs.remove(TrainingGraphs.LOG_PROBS));
      double squares = floats(outputs.remove(TrainingGraphs.GRAD_SQUARES))[0];
      optimizer.accumulate(outputs, squares);
      outputs = Map.of();
      double loss = 0;
      int[] rows = packed.rowOf();
      int[] at = packed.predictingPosition();
      for (int n = 0; n < at.length; n++) {
        loss -= sequences.get(rows[n]).weight()
            * logProbs[at[n] / length * width + at[n] % length];
      }
      return loss;
    } catch (OrtException e) {
      throw new NativeEngineException("ONNX Runtime cannot hold a training batch: " + e, e);
    } finally {
      owned.forEach(OnnxTensor::close);
      outputs.values().forEach(OnnxValue::close);
    }
  }

  private static OnnxTensor own(List<OnnxTensor> owned, OnnxTensor tensor) {
    owned.add(OrtObjects.value(tensor));
    return tensor;
  }

  /** The values of an output tensor, which is then closed. */
  private static float[] floats(OnnxValue value) {
    try (OnnxValue closing = value) {
      FloatBuffer buffer = ((OnnxTensor) closing).getFloatBuffer();
      float[] out = new float[buffer.remaining()];
      buffer.get(out);
      return out;
    }
  }

  @Override
  public OnnxSnapshot snapshot() {
    return new OnnxSnapshot(OnnxTrainableModel.of(model.config(), model.parameterValues(),
        model.options()));
  }

  /** The model, for snapshots that follow this policy. */
  OnnxTrainableModel model() {
    return model;
  }

  /** The options this policy was made with. */
  public OnnxOptions options() {
    return model.options();
  }

  @Override
  public void close() {
    sessions.values().forEach(GraphSession::close);
    sessions.clear();
    optimizer.close();
    super.close();
  }
}
