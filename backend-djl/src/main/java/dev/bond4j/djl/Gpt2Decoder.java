package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.models.Gpt2Config;
import dev.bond4j.models.Gpt2Layout;

/**
 * One token per sequence through GPT-2 against a {@link KvCache}: the inner loop of sampling. It
 * computes exactly what {@link Gpt2Forward} computes for that position, but shaped for a single
 * position, where the per-operation cost of the engine dominates: hidden states stay {@code [B,
 * d]}, projections use {@code addmm} on weights transposed once per sampling call (bias fused),
 * attention is a plain batched product over {@code batch * heads}, the key mask is kept per head
 * so it adds without broadcasting, and sums are taken in place (sampling runs without autograd).
 */
final class Gpt2Decoder {
  private final Gpt2Parameters parameters;
  private final Gpt2Config config;
  private final Gpt2Forward forward;
  /** Per layer: attention, attention projection, MLP in, MLP out, each {@code [out, in]}. */
  private final NDArray[][] transposed;

  /** Prepares the weights; the arrays belong to the caller's {@code NDScope}. */
  Gpt2Decoder(Gpt2Parameters parameters, Gpt2Forward forward) {
    this.parameters = parameters;
    this.config = parameters.config;
    this.forward = forward;
    int[] kinds = {Gpt2Layout.ATTN_W, Gpt2Layout.ATTN_PROJ_W, Gpt2Layout.FC_W,
        Gpt2Layout.MLP_PROJ_W};
    transposed = new NDArray[config.layers()][kinds.length];
    for (int layer = 0; layer < config.layers(); layer++) {
      for (int k = 0; k < kinds.length; k++) {
        NDArray weight = parameters.layer(layer, kinds[k]);
        long in = weight.getShape().get(0);
        long out = weight.getShape().get(1);
        transposed[layer][k] = weight.transpose().reshape(-1).reshape(out, in);
      }
    }
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
      NDArray qkv = linear(h, layer, 0, Gpt2Layout.ATTN_B);
      NDArray query = forward.scaleQueries(slice(qkv, 0, d)).reshape(batch * heads, 1, size);
      cache.write(layer, slot, slice(qkv, d, 2 * d).reshape(batch, heads, size, 1),
          slice(qkv, 2 * d, 3 * d).reshape(batch, heads, 1, size));
      NDArray scores = query.batchMatMul(cache.keysByHead(layer)).addi(keyMask);
      NDArray attended = scores.softmax(-1).batchMatMul(cache.valuesByHead(layer))
          .reshape(batch, d);
      NDArray residual = linear(attended, layer, 1, Gpt2Layout.ATTN_PROJ_B).addi(x);
      NDArray h2 = forward.layerNorm(residual, parameters.layer(layer, Gpt2Layout.LN2_W),
          parameters.layer(layer, Gpt2Layout.LN2_B));
      NDArray inner = forward.gelu(linear(h2, layer, 2, Gpt2Layout.FC_B));
      x = linear(inner, layer, 3, Gpt2Layout.MLP_PROJ_B).addi(residual);
    }
    return forward.finalNorm(x);
  }

  private NDArray linear(NDArray x, int layer, int which, int bias) {
    return JniUtils.linear((PtNDArray) x, (PtNDArray) transposed[layer][which],
        (PtNDArray) parameters.layer(layer, bias));
  }

  private static NDArray slice(NDArray x, long from, long to) {
    return JniUtils.slice((PtNDArray) x, 1, from, to, 1);
  }

  /** The manager of the parameters, where the sampler creates its inputs. */
  NDManager manager() {
    return parameters.manager;
  }
}
