package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for a batch being sampled, preallocated to the longest sequence
 * ({@code [batch, heads, slots, headSize]} per layer) and filled slot by slot, so that a decoding
 * step writes one slot instead of copying the whole cache. Slots not yet written are masked out by
 * the sampler's key mask.
 */
final class KvCache {
  private final NDArray[] keys;
  private final NDArray[] values;

  KvCache(NDManager manager, Gpt2Config config, int batch, int slots) {
    Shape shape = new Shape(batch, config.heads(), slots, config.headSize());
    keys = new NDArray[config.layers()];
    values = new NDArray[config.layers()];
    for (int layer = 0; layer < config.layers(); layer++) {
      keys[layer] = manager.zeros(shape);
      values[layer] = manager.zeros(shape);
    }
  }

  /** Writes {@code [batch, heads, t, headSize]} keys and values into slots {@code [slot, slot+t)}. */
  void write(int layer, int slot, NDArray key, NDArray value) {
    NDIndex index = new NDIndex(":, :, {}:{}", slot, slot + key.getShape().get(2));
    keys[layer].set(index, key);
    values[layer].set(index, value);
  }

  NDArray keys(int layer) {
    return keys[layer];
  }

  NDArray values(int layer) {
    return values[layer];
  }
}
