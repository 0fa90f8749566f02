package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.decoder.DecoderLayout.Slot;
import dev.bond4j.decoder.DecoderConfig;

/**
 * One token per sequence through the decoder against a {@link KvCache}: the inner loop of
 * sampling. It computes exactly what {@link DecoderForward} computes for that position, but shaped
 * for a single position, where the per-operation cost of the engine dominates: hidden states stay
 * {@code [B, d]}, attention is a plain batched product over {@code batch * kvHeads} (the query
 * heads of a group as rows), the key mask is kept per key-value head so it adds without copying,
 * sums are taken in place (sampling runs without autograd), and the head multiplies by a
 * contiguous copy of its transpose made once per sampling call. (Measured here for 16 to 48 rows:
 * {@code x @ W} plus an in-place bias beats {@code addmm} on pre-transposed weights, by up to 2.5
 * times, and a transposed view of the head costs it up to 2.7 times.)
 */
final class DecoderStep {
  private final DjlParameters parameters;
  private final DecoderConfig config;
  private final DecoderForward forward;
  /** {@code head^T}, {@code [d, V]}, contiguous; null in bf16. */
  private final NDArray head;

  /**
   * Prepares the head (in bf16 {@code forward} holds it packed); its copy belongs to the caller's
   * {@code NDScope}. {@code forward} is the sampling call's ({@link DecoderForward#forSampling}).
   */
  DecoderStep(DjlParameters parameters, DecoderForward forward) {
    this.parameters = parameters;
    this.config = parameters.config;
    this.forward = forward;
    this.head = forward.bf16() ? null : forward.head().transpose().reshape(-1)
        .reshape(config.embeddingSize(), config.vocabularySize());
  }

  /** What the head's product multiplies by: {@code head^T} {@code [d, V]}, or its packed copy. */
  NDArray headOperand() {
    return head == null ? forward.productWeight(parameters.head()) : head;
  }

  /** Logits {@code [B, V]}, float32, of final hidden states {@code [B, d]}. */
  NDArray logits(NDArray hidden) {
    return head == null ? forward.logits(hidden) : hidden.matMul(head);
  }

  /**
   * Final hidden states {@code [B, d]} of one new token per sequence.
   *
   * @param tokens {@code [B]} int64 token ids
   * @param positions {@code [B]} int64 position ids
   * @param keyMask additive mask {@code [B * kvHeads, 1, slots]}: 0 for the slots to attend to
   * @param slot the cache slot this token's keys and values go to; attention reads the slots up
   *     to it
   */
  NDArray step(NDArray tokens, NDArray positions, NDArray keyMask, KvCache cache, int slot) {
    NDArray x = forward.embed(tokens, positions);
    long batch = x.getShape().get(0);
    int size = config.headSize();
    int kv = config.kvHeads();
    long queries = config.attentionSize();
    long keys = (long) kv * size;
    NDArray[] rotation = parameters.ropeCos == null ? null
        : forward.rotation(positions.reshape(batch, 1), 1);
    if (rotation != null) {
      rotation[0] = rotation[0].reshape(batch, 1, size / 2);
      rotation[1] = rotation[1].reshape(batch, 1, size / 2);
    }
    int group = config.queriesPerKvHead();
    // Attention reads only the slots written so far (the later ones are masked out).
    int seen = slot + 1;
    NDArray mask = prefix(keyMask, 2, seen);
    for (int layer = 0; layer < config.layers(); layer++) {
      NDArray h = forward.norm(x, layer, Slot.NORM1_W, Slot.NORM1_B);
      NDArray qkv = forward.linear(h, layer, Slot.QKV_W, Slot.QKV_B);
      NDArray grouped;
      NDArray key;
      if (rotation == null) {
        // As few engine calls as possible: the query goes straight to its batched layout.
        grouped = forward.scaleQueries(slice(qkv, 0, queries)).reshape(batch * kv, group, size);
        key = slice(qkv, queries, queries + keys).reshape(batch, kv, size, 1);
      } else {
        NDArray query = DecoderForward.rotate(slice(qkv, 0, queries)
            .reshape(batch, config.heads(), size), rotation);
        grouped = forward.scaleQueries(query).reshape(batch * kv, group, size);
        key = DecoderForward.rotate(slice(qkv, queries, queries + keys)
            .reshape(batch, kv, size), rotation).reshape(batch, kv, size, 1);
      }
      cache.write(layer, slot, key,
          slice(qkv, queries + keys, queries + 2 * keys).reshape(batch, kv, 1, size));
      NDArray scores = grouped.batchMatMul(prefix(cache.keysByHead(layer), 2, seen)).addi(mask);
      NDArray attended = scores.softmax(-1).batchMatMul(prefix(cache.valuesByHead(layer), 1, seen))
          .reshape(batch, queries);
      NDArray residual = forward.linear(attended, layer, Slot.O_W, Slot.O_B).addi(x);
      x = forward.mlp(forward.norm(residual, layer, Slot.NORM2_W, Slot.NORM2_B), layer)
          .addi(residual);
    }
    return forward.finalNorm(x);
  }

  private static NDArray slice(NDArray x, long from, long to) {
    return JniUtils.slice((PtNDArray) x, 1, from, to, 1);
  }

  /** The first {@code length} entries of {@code x} along {@code axis}, a view. */
  private static NDArray prefix(NDArray x, int axis, long length) {
    return JniUtils.slice((PtNDArray) x, axis, 0, length, 1);
  }
}
