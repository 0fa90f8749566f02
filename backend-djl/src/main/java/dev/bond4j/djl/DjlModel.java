package dev.bond4j.djl;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.NativeEngineException;
import dev.bond4j.model.EngineInfo;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.EngineModel;
import dev.bond4j.decoder.LoraAdapter;
import dev.bond4j.decoder.PackedSequences;
import dev.bond4j.decoder.SamplingLoop;
import dev.bond4j.decoder.SharedStore;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What a trainable DJL policy and its frozen snapshots share: batched KV-cache sampling (the
 * shared {@link SamplingLoop} over a {@link DjlDecodingSession}) and sequence log-probabilities
 * over one set of {@link DjlParameters}. Every call runs in its own {@code NDScope}, so no native
 * memory outlives it. Not thread-safe: one call at a time.
 */
final class DjlModel extends EngineModel {
  final DjlParameters parameters;
  /** The LoRA adapter, or null. */
  final DjlAdapter adapter;
  /** This model's handle on the base parameters when they are shared (a LoRA model), or null. */
  final SharedStore base;
  final DecoderForward forward;
  final DecoderConfig config;
  private final SamplingLoop loop;

  /**
   * A plain model over {@code parameters}, which it closes; products with weights in bfloat16
   * when {@code bf16}.
   */
  DjlModel(DjlParameters parameters, boolean bf16) {
    this(parameters, null, null, null, bf16);
  }

  /**
   * A model over the base {@code parameters}, held through the handle {@code base} (which it
   * closes; or, when null, owning {@code parameters}), plus {@code adapter} (which it closes; none
   * when null).
   *
   * @param baseModel the base's folder, for the adapter's files, or null
   * @param bf16 whether products with weights run in bfloat16
   */
  DjlModel(DjlParameters parameters, SharedStore base, DjlAdapter adapter, String baseModel,
      boolean bf16) {
    super(parameters.config, base == null ? parameters : base,
        adapter == null ? null : new LoraAdapter(adapter.layout, adapter, baseModel));
    this.parameters = parameters;
    this.adapter = adapter;
    this.base = base;
    this.forward = new DecoderForward(parameters, adapter, bf16);
    this.config = parameters.config;
    this.loop = new SamplingLoop(config);
  }

  /** Another model over the same shared base, with {@code adapter} (or none). */
  DjlModel withAdapter(DjlAdapter other) {
    return new DjlModel(parameters, base.share(), other,
        other == null ? null : adapter().baseModel(), forward.bf16());
  }

  NDManager manager() {
    return parameters.manager;
  }

  @Override
  public EngineInfo engine() {
    Device device = parameters.flat.getDevice();
    return new EngineInfo("PyTorch (DJL)", DjlRuntime.engine().getVersion(),
        device.isGpu() ? "cuda:" + device.getDeviceId() : "cpu",
        forward.bf16() ? "bf16 products, float32 weights" : "float32");
  }

  /** Batched sampling with a KV cache; prompts of different lengths are left-padded. */
  @Override
  public List<Completion> sample(List<Prompt> prompts, SamplingSettings settings, long seed) {
    JniUtils.setGradMode(false);
    try {
      return loop.sample(prompts, settings, new SplittableRandom(seed),
          temperature -> new DjlDecodingSession(parameters, forward, temperature));
    } catch (EngineException e) {
      throw NativeEngineException.failed(DjlRuntime.NAME, "sampling", e);
    }
  }

  /** {@code log π(y|x)} per sequence at temperature 1, without gradient. */
  @Override
  public double[] logProbs(List<? extends PromptedSequence> sequences) {
    PackedSequences packed = PackedSequences.of(sequences, config, 1);
    if (packed.tokenCount() == 0) {
      return new double[sequences.size()];
    }
    JniUtils.setGradMode(false);
    try (NDScope scope = new NDScope()) {
      return packed.sumByRow(tokenLogProbs(packed).toFloatArray());
    } catch (EngineException e) {
      throw NativeEngineException.failed(DjlRuntime.NAME, "scoring", e);
    }
  }

  /**
   * Full-sequence logits of equal-length token sequences, {@code [B * T * V]} row-major: for parity
   * checks against other implementations of the same checkpoint.
   */
  @Override
  public float[] logits(List<TokenSequence> sequences) {
    int length = sequences.get(0).length();
    long[] ids = new long[sequences.size() * length];
    for (int i = 0; i < sequences.size(); i++) {
      for (int t = 0; t < length; t++) {
        ids[i * length + t] = sequences.get(i).get(t);
      }
    }
    JniUtils.setGradMode(false);
    NDManager manager = manager();
    try (NDScope scope = new NDScope()) {
      NDArray hidden = forward.sequences(
          manager.create(ids, new Shape(sequences.size(), length)),
          DecoderForward.positions(manager, length), DecoderForward.causalMask(manager, length),
          null);
      return forward.logits(hidden).toFloatArray();
    }
  }

  /**
   * Log-probabilities {@code [N]} of every completion token of a packed batch, with gradient when
   * grad mode is on. Only the positions that predict completion tokens reach the head.
   */
  NDArray tokenLogProbs(PackedSequences packed) {
    NDManager manager = manager();
    NDArray hidden = forward.sequences(
        manager.create(packed.tokensAsLongs(), new Shape(packed.batch(), packed.length())),
        DecoderForward.positions(manager, packed.length()),
        DecoderForward.causalMask(manager, packed.length()), null);
    NDArray rows = hidden.reshape(-1, config.embeddingSize());
    NDArray selected = JniUtils.embedding((PtNDArray) manager.create(
        longs(packed.predictingPosition())), (PtNDArray) rows, false);
    NDArray logProbs = forward.logits(selected).logSoftmax(-1);
    NDArray targets = manager.create(longs(packed.targets()), new Shape(packed.tokenCount(), 1));
    return JniUtils.gather((PtNDArray) logProbs, (PtNDArray) targets, 1).reshape(-1);
  }

  private static long[] longs(int[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

}
