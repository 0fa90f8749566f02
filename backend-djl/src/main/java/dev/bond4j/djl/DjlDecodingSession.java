package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecodingSession;
import dev.bond4j.decoder.PromptBatch;
import java.util.Arrays;

/**
 * DJL's side of one sampling call: the {@link KvCache}, the additive key mask {@code [rows ·
 * kvHeads, 1, slots]}, and the forward passes, all inside one {@code NDScope} closed with the
 * session. Finished rows are dropped from the cache and mask on request. Each token is decoded in
 * one engine call ({@link FusedDecodeStep}), or, to compare the two, through {@link DecoderStep}.
 */
final class DjlDecodingSession implements DecodingSession {
  private final DjlParameters parameters;
  private final DecoderForward forward;
  private final DecoderConfig config;
  private final double temperature;
  private final boolean fuse;
  private final NDScope scope = new NDScope();
  private DecoderStep step;
  /** The step in one engine call, or null (then {@link #step} runs each token). */
  private FusedDecodeStep fused;
  private KvCache cache;
  private NDArray keyMask;
  private int slots;

  DjlDecodingSession(DjlParameters parameters, DecoderForward forward, double temperature) {
    this(parameters, forward, temperature, true);
  }

  /**
   * A session that decodes in one engine call per token when {@code fuse}, else through {@link
   * DecoderStep} (to compare the two).
   */
  DjlDecodingSession(DjlParameters parameters, DecoderForward forward, double temperature,
      boolean fuse) {
    this.parameters = parameters;
    this.forward = forward;
    this.config = parameters.config;
    this.temperature = temperature;
    this.fuse = fuse;
  }

  @Override
  public float[] prefill(PromptBatch batch) {
    NDManager manager = parameters.manager;
    int rows = batch.batch();
    int p = batch.promptSlots();
    slots = batch.slots();
    DecoderForward sampling = forward.forSampling(rows);
    step = new DecoderStep(parameters, sampling);
    cache = new KvCache(manager, config, rows, slots);
    keyMask = manager.create(initialKeyMask(batch), new Shape((long) rows * config.kvHeads(), 1,
        slots));
    if (fuse) {
      fused = new FusedDecodeStep(parameters, sampling, step, cache, keyMask, temperature);
    }
    try (NDScope prefillScope = new NDScope()) {
      NDArray hidden = sampling.sequences(manager.create(longs(batch.tokens()), new Shape(rows, p)),
          manager.create(longs(batch.positions()), new Shape(rows, p)),
          manager.create(batch.mask(DecoderForward.MASKED), new Shape(rows, 1, p, p)), cache);
      NDArray last = JniUtils.slice((PtNDArray) hidden, 1, p - 1, p, 1)
          .reshape(rows, config.embeddingSize());
      return probabilities(last);
    }
  }

  @Override
  public float[] step(int[] tokens, int[] positions, int slot) {
    NDManager manager = parameters.manager;
    try (NDScope stepScope = new NDScope()) {
      if (fused != null) {
        return fused.probabilities(tokens, positions, slot).toFloatArray();
      }
      JniUtils.slice((PtNDArray) keyMask, 2, slot, slot + 1, 1).muli(0f);
      NDArray hidden = step.step(manager.create(longs(tokens)), manager.create(longs(positions)),
          keyMask, cache, slot);
      return probabilities(hidden);
    }
  }

  @Override
  public boolean retains() {
    return true;
  }

  @Override
  public void retain(int[] rows) {
    NDArray index = parameters.manager.create(longs(rows));
    long before = keyMask.getShape().get(0) / config.kvHeads();
    cache = cache.select(config, index);
    keyMask = keyMask.reshape(before, -1).get(index)
        .reshape((long) rows.length * config.kvHeads(), 1, slots);
    if (fused != null) {
      fused.rebind(cache, keyMask);
    }
  }

  /** Softmax of the logits at the sampling temperature, {@code [B * V]}. */
  private float[] probabilities(NDArray hidden) {
    NDArray logits = step.logits(hidden);
    if (temperature != 1.0) {
      logits = logits.div((float) temperature);
    }
    return logits.softmax(-1).toFloatArray();
  }

  /**
   * Per row and key-value head, 0 for real prompt slots and masked for left padding and for slots
   * not yet generated.
   */
  private float[] initialKeyMask(PromptBatch batch) {
    int heads = config.kvHeads();
    float[] mask = new float[batch.batch() * heads * slots];
    Arrays.fill(mask, DecoderForward.MASKED);
    for (int i = 0; i < batch.batch(); i++) {
      for (int h = 0; h < heads; h++) {
        Arrays.fill(mask, (i * heads + h) * slots + batch.pads()[i],
            (i * heads + h) * slots + batch.promptSlots(), 0f);
      }
    }
    return mask;
  }

  private static long[] longs(int[] values) {
    return Arrays.stream(values).asLongStream().toArray();
  }

  @Override
  public void close() {
    if (fused != null) {
      fused.close();
    }
    scope.close();
  }
}
