package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.IValue;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout.Slot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A decoding step as one call of the TorchScript method {@code decode_step} ({@link TorchOps}),
 * where {@link DecoderStep} makes about 38 engine calls per block: the same operations in the same
 * order, so the same float32 probabilities, for GPT-2 and the Llama family (RMSNorm, rotary
 * positions, grouped-query attention, SwiGLU, optional biases), with or without a LoRA adapter.
 * The method's inputs that do not change from step to step (the weights and their packed copies,
 * the adapter's factors, the cache, the key mask, the constants) are built once per sampling call
 * and again after {@link #rebind}; a step passes only its token and position ids as lists of
 * integers, so it creates no array from Java memory.
 */
final class FusedDecodeStep implements AutoCloseable {
  /** The block's linear layers, in the order {@code decode_step} takes their packed copies. */
  private static final Slot[] LINEAR = {Slot.QKV_W, Slot.O_W, Slot.UP_W, Slot.DOWN_W};

  private final TorchOps ops = TorchOps.get();
  private final NDManager manager;
  /** The weights, their packed copies, the adapter's factors. */
  private final IValue[] tensors;
  /** The head counts and products' mode, the constants, the family and GELU flags. */
  private final IValue[] settings;
  private IValue keyMask;
  private IValue keys;
  private IValue values;

  /**
   * The step of the sampling call whose pass is {@code forward} ({@link
   * DecoderForward#forSampling}), whose head {@code step} prepared, over {@code cache} and {@code
   * keyMask}. Arrays it makes belong to the caller's {@code NDScope}.
   */
  FusedDecodeStep(DjlParameters parameters, DecoderForward forward, DecoderStep step,
      KvCache cache, NDArray keyMask, double temperature) {
    DecoderConfig config = parameters.config;
    this.manager = parameters.manager;
    NDArray none = manager.create(new float[0]);
    List<NDArray> weights = new ArrayList<>(Arrays.asList(forward.embedding(),
        parameters.positionEmbedding(), parameters.finalNormWeight(),
        parameters.finalNormBias(), step.headOperand(), parameters.ropeCos, parameters.ropeSin));
    List<NDArray> packed = new ArrayList<>();
    List<NDArray> adapters = new ArrayList<>();
    for (int layer = 0; layer < config.layers(); layer++) {
      for (Slot slot : Slot.values()) {
        weights.add(parameters.layer(layer, slot));
      }
      for (Slot slot : LINEAR) {
        NDArray weight = parameters.layer(layer, slot);
        NDArray copy = forward.productWeight(weight);
        if (copy != weight) {
          packed.add(copy);
        }
        if (forward.adapted()) {
          NDArray[] factors = forward.adapterFactors(layer, slot);
          adapters.addAll(factors == null ? List.of(none, none) : List.of(factors));
        }
      }
    }
    weights.replaceAll(tensor -> tensor == null ? none : tensor);
    this.tensors = new IValue[] {list(weights), list(packed), list(adapters)};
    long mode = forward.bf16() ? 2 : packed.isEmpty() ? 0 : 1;
    boolean gpt2 = config.isGpt2();
    float[] gelu = forward.geluFactors();
    // The norm's epsilon as DecoderForward passes it (RMSNorm adds it as a float32); the factors
    // as the float32 values DecoderStep multiplies and divides by, widened exactly.
    double epsilon = gpt2 ? config.normEpsilon() : (float) config.normEpsilon();
    this.settings = new IValue[] {
      IValue.listFrom(config.heads(), config.kvHeads(), mode, forward.packedRows()),
      IValue.listFrom(epsilon, forward.queryScale(), gelu[0], gelu[1], (float) temperature),
      IValue.listFrom(gpt2, DecoderConfig.TANH_GELU.contains(config.activation()))};
    rebind(cache, keyMask);
  }

  /** Points the step at a new cache and key mask (after rows were dropped). */
  void rebind(KvCache cache, NDArray keyMask) {
    closeBindings();
    this.keyMask = IValue.from((PtNDArray) keyMask);
    this.keys = list(Arrays.asList(cache.keys()));
    this.values = list(Arrays.asList(cache.values()));
  }

  /**
   * Sampling probabilities {@code [B, V]} of one new token per row (see {@link DecoderStep#step}
   * for the arguments), in the caller's {@code NDScope}; the key mask's {@code slot} is unmasked
   * and the cache's written.
   */
  NDArray probabilities(int[] tokens, int[] positions, int slot) {
    try (IValue tokenIds = IValue.listFrom(longs(tokens));
        IValue positionIds = IValue.listFrom(longs(positions));
        IValue slotIndex = IValue.from((long) slot)) {
      return ops.decodeStep(manager, tokenIds, positionIds, slotIndex, keyMask, tensors[0],
          tensors[1], tensors[2], keys, values, settings[0], settings[1], settings[2]);
    }
  }

  private static IValue list(List<NDArray> arrays) {
    return IValue.listFrom(arrays.stream().map(PtNDArray.class::cast).toArray(PtNDArray[]::new));
  }

  private static long[] longs(int[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private void closeBindings() {
    for (IValue value : new IValue[] {keyMask, keys, values}) {
      if (value != null) {
        value.close();
      }
    }
  }

  @Override
  public void close() {
    closeBindings();
    for (IValue value : tensors) {
      value.close();
    }
    for (IValue value : settings) {
      value.close();
    }
  }
}
