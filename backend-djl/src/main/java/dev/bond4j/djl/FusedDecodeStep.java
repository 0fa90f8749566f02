package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.IValue;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout.Slot;
import java.util.ArrayList;
import java.util.List;

/**
 * A GPT-2's decoding step as one call of the TorchScript method {@code gpt2_decode_step} ({@link
 * TorchOps}), where {@link DecoderStep} makes about 38 engine calls per block: the same
 * operations in the same order, so the same float32 probabilities. The method's inputs that do
 * not change from step to step (the weights, or their packed bfloat16 copies, the cache, the key
 * mask, the constants) are built once per sampling call and again after {@link #rebind}; a step
 * passes only its token and position ids as lists of integers, so it creates no array from Java
 * memory. The Llama family and LoRA policies keep {@link DecoderStep}.
 */
final class FusedDecodeStep implements AutoCloseable {
  private final TorchOps ops = TorchOps.get();
  private final NDManager manager;
  private final IValue weights;
  /** The head count, the constants, whether the GELU is tanh's, whether products are bf16. */
  private final IValue[] settings;
  private IValue keyMask;
  private IValue keys;
  private IValue values;

  /**
   * The step of the sampling call whose pass is {@code forward} ({@link
   * DecoderForward#forSampling}), whose head {@code step} prepared, over {@code cache} and {@code
   * keyMask}.
   */
  FusedDecodeStep(DjlParameters parameters, DecoderForward forward, DecoderStep step,
      KvCache cache, NDArray keyMask, double temperature) {
    DecoderConfig config = parameters.config;
    this.manager = parameters.manager;
    List<NDArray> tensors = new ArrayList<>(List.of(parameters.embedding(),
        parameters.positionEmbedding(), parameters.finalNormWeight(), parameters.finalNormBias(),
        step.headOperand()));
    for (int layer = 0; layer < config.layers(); layer++) {
      for (Slot slot : Slot.values()) {
        tensors.add(forward.productWeight(parameters.layer(layer, slot)));
      }
    }
    this.weights = list(tensors.toArray(NDArray[]::new));
    float[] gelu = forward.geluFactors();
    // The norm's epsilon as DecoderForward passes it; the factors as the float32 values
    // DecoderStep multiplies and divides by, widened exactly.
    this.settings = new IValue[] {IValue.from((long) config.heads()),
        IValue.listFrom(config.normEpsilon(), forward.queryScale(), gelu[0], gelu[1],
            (float) temperature),
        IValue.from(DecoderConfig.TANH_GELU.contains(config.activation())),
        IValue.from(forward.bf16())};
    rebind(cache, keyMask);
  }

  /** Whether a model runs its decoding steps here: a GPT-2 without a LoRA adapter. */
  static boolean supports(DjlParameters parameters, DecoderForward forward) {
    return parameters.config.isGpt2() && !forward.adapted()
        && parameters.positionEmbedding() != null && parameters.finalNormBias() != null;
  }

  /** Points the step at a new cache and key mask (after rows were dropped). */
  void rebind(KvCache cache, NDArray keyMask) {
    closeBindings();
    this.keyMask = IValue.from((PtNDArray) keyMask);
    this.keys = list(cache.keys());
    this.values = list(cache.values());
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
      return ops.gpt2DecodeStep(manager, tokenIds, positionIds, slotIndex, keyMask, weights,
          keys, values, settings[0], settings[1], settings[2], settings[3]);
    }
  }

  private static IValue list(NDArray[] arrays) {
    PtNDArray[] tensors = new PtNDArray[arrays.length];
    for (int i = 0; i < arrays.length; i++) {
      tensors[i] = (PtNDArray) arrays[i];
    }
    return IValue.listFrom(tensors);
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
    weights.close();
    for (IValue value : settings) {
      value.close();
    }
  }
}
