package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.decoder.DecoderConfig;

/**
 * Keys and values of every layer for a batch being sampled, preallocated to the longest sequence
 * and filled slot by slot, so that a decoding step writes one slot instead of copying the whole
 * cache. Keys are kept transposed ({@code [batch, kvHeads, headSize, slots]}; values {@code [batch,
 * kvHeads, slots, headSize]}) so that both attention products read contiguous memory, and each is
 * also viewed with batch and key-value heads merged, the layout of a batched matrix product. Slots not yet
 * written are masked out by the sampler's key mask.
 */
final class KvCache {
  private final NDArray[] keys;
  private final NDArray[] values;
  private final NDArray[] keysByHead;
  private final NDArray[] valuesByHead;

  KvCache(NDManager manager, DecoderConfig config, int batch, int slots) {
    this(config, zeros(manager, config, batch, slots, true), zeros(manager, config, batch, slots,
        false));
  }

  private KvCache(DecoderConfig config, NDArray[] keys, NDArray[] values) {
    int layers = config.layers();
    this.keys = keys;
    this.values = values;
    keysByHead = new NDArray[layers];
    valuesByHead = new NDArray[layers];
    for (int layer = 0; layer < layers; layer++) {
      Shape shape = keys[layer].getShape();
      long rows = shape.get(0) * config.kvHeads();
      long slots = shape.get(3);
      keysByHead[layer] = keys[layer].reshape(rows, config.headSize(), slots);
      valuesByHead[layer] = values[layer].reshape(rows, slots, config.headSize());
    }
  }

  private static NDArray[] zeros(NDManager manager, DecoderConfig config, int batch, int slots,
      boolean transposed) {
    NDArray[] out = new NDArray[config.layers()];
    for (int layer = 0; layer < out.length; layer++) {
      out[layer] = manager.zeros(transposed
          ? new Shape(batch, config.kvHeads(), config.headSize(), slots)
          : new Shape(batch, config.kvHeads(), slots, config.headSize()));
    }
    return out;
  }

  /** A cache holding only the given sequences ({@code [n]} int64 row indices), in that order. */
  KvCache select(DecoderConfig config, NDArray rows) {
    NDArray[] keptKeys = new NDArray[keys.length];
    NDArray[] keptValues = new NDArray[values.length];
    for (int layer = 0; layer < keys.length; layer++) {
      keptKeys[layer] = keys[layer].get(rows);
      keptValues[layer] = values[layer].get(rows);
    }
    return new KvCache(config, keptKeys, keptValues);
  }

  /**
   * Writes transposed keys {@code [batch, kvHeads, headSize, t]} and values {@code [batch, kvHeads, t,
   * headSize]} into slots {@code [slot, slot + t)}.
   */
  void write(int layer, int slot, NDArray keysTransposed, NDArray value) {
    long end = slot + value.getShape().get(2);
    // Each slot is written once and starts at zero, so an in-place add into the slot's view is a
    // copy; DJL's indexed set costs 25 times more here.
    JniUtils.slice((PtNDArray) keys[layer], 3, slot, end, 1).addi(keysTransposed);
    JniUtils.slice((PtNDArray) values[layer], 2, slot, end, 1).addi(value);
  }

  /** Every layer's keys, {@code [batch, kvHeads, headSize, slots]}. */
  NDArray[] keys() {
    return keys.clone();
  }

  /** Every layer's values, {@code [batch, kvHeads, slots, headSize]}. */
  NDArray[] values() {
    return values.clone();
  }

  /** Keys of a layer as {@code [batch * kvHeads, headSize, slots]}. */
  NDArray keysByHead(int layer) {
    return keysByHead[layer];
  }

  /** Values of a layer as {@code [batch * kvHeads, slots, headSize]}. */
  NDArray valuesByHead(int layer) {
    return valuesByHead[layer];
  }
}
