package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.models.Gpt2Config;

/**
 * Keys and values of every layer for a batch being sampled, preallocated to the longest sequence
 * and filled slot by slot, so that a decoding step writes one slot instead of copying the whole
 * cache. Keys are kept transposed ({@code [batch, heads, headSize, slots]}; values {@code [batch,
 * heads, slots, headSize]}) so that both attention products read contiguous memory, and each is
 * also viewed with batch and heads merged, the layout of a batched matrix product. Slots not yet
 * written are masked out by the sampler's key mask.
 */
final class KvCache {
  private final NDArray[] keys;
  private final NDArray[] values;
  private final NDArray[] keysByHead;
  private final NDArray[] valuesByHead;

  KvCache(NDManager manager, Gpt2Config config, int batch, int slots) {
    int layers = config.layers();
    long rows = (long) batch * config.heads();
    keys = new NDArray[layers];
    values = new NDArray[layers];
    keysByHead = new NDArray[layers];
    valuesByHead = new NDArray[layers];
    for (int layer = 0; layer < layers; layer++) {
      keys[layer] = manager.zeros(new Shape(batch, config.heads(), config.headSize(), slots));
      values[layer] = manager.zeros(new Shape(batch, config.heads(), slots, config.headSize()));
      keysByHead[layer] = keys[layer].reshape(rows, config.headSize(), slots);
      valuesByHead[layer] = values[layer].reshape(rows, slots, config.headSize());
    }
  }

  /**
   * Writes transposed keys {@code [batch, heads, headSize, t]} and values {@code [batch, heads, t,
   * headSize]} into slots {@code [slot, slot + t)}.
   */
  void write(int layer, int slot, NDArray keysTransposed, NDArray value) {
    long end = slot + value.getShape().get(2);
    // Each slot is written once and starts at zero, so an in-place add into the slot's view is a
    // copy; DJL's indexed set costs 25 times more here.
    JniUtils.slice((PtNDArray) keys[layer], 3, slot, end, 1).addi(keysTransposed);
    JniUtils.slice((PtNDArray) values[layer], 2, slot, end, 1).addi(value);
  }

  /** Keys of a layer as {@code [batch * heads, headSize, slots]}. */
  NDArray keysByHead(int layer) {
    return keysByHead[layer];
  }

  /** Values of a layer as {@code [batch * heads, slots, headSize]}. */
  NDArray valuesByHead(int layer) {
    return valuesByHead[layer];
  }
}
