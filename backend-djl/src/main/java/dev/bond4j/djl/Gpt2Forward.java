package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.models.Gpt2Config;
import dev.bond4j.models.Gpt2Layout;

/**
 * The GPT-2 forward pass on DJL arrays, written to match HuggingFace's {@code GPT2LMHeadModel}
 * (eval mode): token plus position embedding, pre-LayerNorm blocks of causal self-attention and a
 * GELU MLP, a final LayerNorm and the head tied to the token embedding. It runs over whole
 * sequences (scoring, training, the sampler's prompt pass); {@link Gpt2Decoder} runs one new token
 * against a {@link KvCache} with the same pieces. Temporaries belong to the caller's {@code NDScope}.
 */
final class Gpt2Forward {
  /** Additive mask value: large enough that {@code exp} underflows to exactly 0 in float32. */
  static final float MASKED = -1e9f;
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  private final Gpt2Parameters parameters;
  private final Gpt2Config config;
  private final NDArray attentionScale;
  private final NDArray geluCubic;
  private final NDArray geluLinear;

  Gpt2Forward(Gpt2Parameters parameters) {
    this.parameters = parameters;
    this.config = parameters.config;
    NDManager manager = parameters.manager;
    this.attentionScale = manager.create((float) (1 / Math.sqrt(config.headSize())));
    // gelu_new(x) = 0.5 x (1 + tanh(c (x + 0.044715 x^3))) = x * sigmoid(x (2c + 2c * 0.044715 x^2))
    this.geluCubic = manager.create((float) (2 * SQRT_2_OVER_PI * 0.044715));
    this.geluLinear = manager.create((float) (2 * SQRT_2_OVER_PI));
  }

  /** Position ids {@code [1, T]}: 0 to T-1. */
  static NDArray positions(NDManager manager, int length) {
    return manager.arange(0, length, 1, DataType.INT64).reshape(1, length);
  }

  /** Additive causal mask {@code [1, 1, T, T]}: a position sees itself and earlier ones. */
  static NDArray causalMask(NDManager manager, int length) {
    float[] mask = new float[length * length];
    for (int q = 0; q < length; q++) {
      for (int k = q + 1; k < length; k++) {
        mask[q * length + k] = MASKED;
      }
    }
    return manager.create(mask, new Shape(1, 1, length, length));
  }

  /**
   * Final hidden states of whole sequences.
   *
   * @param tokens {@code [B, T]} int64 token ids
   * @param positions {@code [B or 1, T]} int64 position ids
   * @param mask additive attention mask broadcastable to {@code [B, heads, T, T]}
   * @param cache when not null, receives every layer's keys and values into slots {@code [0, T)}
   * @return {@code [B, T, d]} after the final LayerNorm
   */
  NDArray sequences(NDArray tokens, NDArray positions, NDArray mask, KvCache cache) {
    NDArray x = embed(tokens, positions);
    for (int layer = 0; layer < config.layers(); layer++) {
      NDArray[] qkv = queryKeyValue(x, layer);
      NDArray keysTransposed = qkv[1].transpose(0, 1, 3, 2);
      if (cache != null) {
        cache.write(layer, 0, keysTransposed, qkv[2]);
      }
      x = block(x, layer, qkv[0], keysTransposed, qkv[2], mask);
    }
    return finalNorm(x);
  }

  /** Logits of the tied head: {@code hidden @ wte^T}, {@code [..., V]}. */
  NDArray logits(NDArray hidden) {
    return hidden.matMul(parameters.wte().transpose());
  }

  NDArray embed(NDArray tokens, NDArray positions) {
    NDArray tokenEmbedding = JniUtils.embedding((PtNDArray) tokens,
        (PtNDArray) parameters.wte(), false);
    NDArray positionEmbedding = JniUtils.embedding((PtNDArray) positions,
        (PtNDArray) parameters.wpe(), false);
    return tokenEmbedding.add(positionEmbedding);
  }

  /** Query, key and value, each {@code [B, heads, T, headSize]}. */
  private NDArray[] queryKeyValue(NDArray x, int layer) {
    NDArray qkv = attentionInput(x, layer);
    Shape shape = x.getShape();
    long d = config.embeddingSize();
    // One split: its backward concatenates the three gradients, where three slices would each
    // zero-fill a gradient the size of the whole projection.
    NDList parts = qkv.split(new long[] {d, 2 * d}, 2);
    NDArray[] out = new NDArray[3];
    for (int i = 0; i < 3; i++) {
      out[i] = parts.get(i)
          .reshape(shape.get(0), shape.get(1), config.heads(), config.headSize())
          .transpose(0, 2, 1, 3);
    }
    return out;
  }

  /** {@code [B, T, 3d]}: the first LayerNorm and the query-key-value projection. */
  private NDArray attentionInput(NDArray x, int layer) {
    NDArray h = layerNorm(x, parameters.layer(layer, Gpt2Layout.LN1_W),
        parameters.layer(layer, Gpt2Layout.LN1_B));
    return linear(h, parameters.layer(layer, Gpt2Layout.ATTN_W),
        parameters.layer(layer, Gpt2Layout.ATTN_B));
  }

  /** Queries times {@code 1/sqrt(headSize)}: scaling them rather than the scores is cheaper. */
  NDArray scaleQueries(NDArray query) {
    return query.mul(attentionScale);
  }

  /** One transformer block; keys come transposed, {@code [B, heads, headSize, Tk]}. */
  private NDArray block(NDArray x, int layer, NDArray query, NDArray keysTransposed,
      NDArray values, NDArray mask) {
    NDArray scores = scaleQueries(query).matMul(keysTransposed).addi(mask);
    NDArray attended = scores.softmax(-1).matMul(values);
    Shape shape = x.getShape();
    NDArray merged = attended.transpose(0, 2, 1, 3).reshape(shape);
    NDArray residual = linear(merged, parameters.layer(layer, Gpt2Layout.ATTN_PROJ_W),
        parameters.layer(layer, Gpt2Layout.ATTN_PROJ_B)).addi(x);
    NDArray h = layerNorm(residual, parameters.layer(layer, Gpt2Layout.LN2_W),
        parameters.layer(layer, Gpt2Layout.LN2_B));
    NDArray inner = gelu(linear(h, parameters.layer(layer, Gpt2Layout.FC_W),
        parameters.layer(layer, Gpt2Layout.FC_B)));
    return linear(inner, parameters.layer(layer, Gpt2Layout.MLP_PROJ_W),
        parameters.layer(layer, Gpt2Layout.MLP_PROJ_B)).addi(residual);
  }

  NDArray finalNorm(NDArray x) {
    return layerNorm(x, parameters.lnFinalWeight(), parameters.lnFinalBias());
  }

  NDArray layerNorm(NDArray x, NDArray gain, NDArray bias) {
    return JniUtils.layerNorm((PtNDArray) x, new Shape(config.embeddingSize()), (PtNDArray) gain,
        (PtNDArray) bias, config.layerNormEpsilon());
  }

  /*
   * Sums and scalings work in place wherever autograd keeps no copy of the array they overwrite
   * (a product's output, a sum's output): fewer and smaller allocations, same gradients.
   */

  /**
   * GPT-2's {@code Conv1D}: {@code x @ W + b} with {@code W} laid out {@code [in, out]}. (Calling
   * {@code linear} with the transposed view of {@code W} measured 2.4 times slower here.)
   */
  static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    return x.matMul(weight).addi(bias);
  }

  NDArray gelu(NDArray x) {
    if (!Gpt2Config.TANH_GELU.contains(config.activation())) {
      return JniUtils.gelu((PtNDArray) x);
    }
    NDArray inner = x.mul(x).muli(geluCubic).addi(geluLinear);
    if (JniUtils.isGradMode()) {
      return x.mul(JniUtils.sigmoid((PtNDArray) x.mul(inner)));
    }
    return JniUtils.sigmoid((PtNDArray) inner.muli(x)).muli(x);
  }
}
