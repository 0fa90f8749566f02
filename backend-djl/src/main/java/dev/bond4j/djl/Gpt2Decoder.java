package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.models.Gpt2Config;
import dev.bond4j.models.Gpt2Layout;

/**
 * One token per sequence through GPT-2 against a {@link KvCache}: the inner loop of sampling. It
 * computes exactly what {@link Gpt2Forward} computes for that position, but shaped for a single
 * position, where the per-operation cost of the engine dominates: hidden states stay {@code [B,
 * d]}, attention is a plain batched product over {@code batch * heads}, the key mask is kept per
 * head so it adds without broadcasting, sums are taken in place (sampling runs without autograd),
 * and the tied head multiplies by a contiguous copy of {@code wte^T} made once per sampling call.
 * (Measured here for 16 to 48 rows: {@code x @ W} plus an in-place bias beats {@code addmm} on
 * pre-transposed weights, by up to 2.5 times, and a transposed view of {@code wte} costs the head
 * up to 2.7 times.)
 */
final class Gpt2Decoder {
  private final Gpt2Parameters parameters;
  private final Gpt2Config config;
  private final Gpt2Forward forward;
  /** {@code wte^T}, {@code [d, V]}, contiguous. */
  private final NDArray head;

  /** Prepares the head; its copy belongs to the caller's {@code NDScope}. */
  Gpt2Decoder(Gpt2Parameters parameters, Gpt2Forward forward) {
    this.parameters = parameters;
    this.config = parameters.config;
    this.forward = forward;
    this.head = parameters.wte().transpose().reshape(-1)
        .reshape(config.embeddingSize(), config.vocabularySize());
  }

  /** Logits {@code [B, V]} of final hidden states {@code [B, d]}. */
  NDArray logits(NDArray hidden) {
    return hidden.matMul(head);
  }

  /**
   * Final hidden states {@code [B, d]} of one new token per sequence.
   *
   * @param tokens {@code [B]} int64 token ids
   * @param positions {@code [B]} int64 position ids
   * @param keyMask additive mask {@code [B * heads, 1, slots]}: 0 for the slots to attend to
   * @param slot the cache slot this token's keys and values go to
   */
  NDArray step(NDArray tokens, NDArray positions, NDArray keyMask, KvCache cache, int slot) {
    NDArray x = forward.embed(tokens, positions);
    long batch = x.getShape().get(0);
    int heads = config.heads();
    int size = config.headSize();
    long d = config.embeddingSize();
    for (int layer = 0; layer < config.layers(); layer++) {
      NDArray h = forward.layerNorm(x, parameters.layer(layer, Gpt2Layout.LN1_W),
          parameters.layer(layer, Gpt2Layout.LN1_B));
      NDArray qkv = linear(h, layer, Gpt2Layout.ATTN_W, Gpt2Layout.ATTN_B);
      NDArray query = forward.scaleQueries(slice(qkv, 0, d)).reshape(batch * heads, 1, size);
      cache.write(layer, slot, slice(qkv, d, 2 * d).reshape(batch, heads, size, 1),
          slice(qkv, 2 * d, 3 * d).reshape(batch, heads, 1, size));
      NDArray scores = query.batchMatMul(cache.keysByHead(layer)).addi(keyMask);
      NDArray attended = scores.softmax(-1).batchMatMul(cache.valuesByHead(layer))
          .reshape(batch, d);
      NDArray residual = linear(attended, layer, Gpt2Layout.ATTN_PROJ_W,
          Gpt2Layout.ATTN_PROJ_B).addi(x);
      NDArray h2 = forward.layerNorm(residual, parameters.layer(layer, Gpt2Layout.LN2_W),
          parameters.layer(layer, Gpt2Layout.LN2_B));
      NDArray inner = forward.gelu(linear(h2, layer, Gpt2Layout.FC_W, Gpt2Layout.FC_B));
      x = linear(inner, layer, Gpt2Layout.MLP_PROJ_W,
          Gpt2Layout.MLP_PROJ_B).addi(residual);
    }
    return forward.finalNorm(x);
  }

  private NDArray linear(NDArray x, int layer, int weight, int bias) {
    return Gpt2Forward.linear(x, parameters.layer(layer, weight), parameters.layer(layer, bias));
  }

  private static NDArray slice(NDArray x, long from, long to) {
    return JniUtils.slice((PtNDArray) x, 1, from, to, 1);
  }
}
