package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout.Global;
import dev.bond4j.decoder.DecoderLayout.Slot;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The decoder's forward pass on DJL arrays, for both families of {@link DecoderConfig}, written
 * to match HuggingFace's {@code GPT2LMHeadModel} and {@code LlamaForCausalLM} (eval mode): the
 * token embedding (plus GPT-2's learned positions), pre-norm blocks of causal self-attention
 * (grouped-query, rotary for the Llama family) and an MLP (GELU, or SwiGLU), a final norm and the
 * head. It runs over whole sequences (scoring, training, the sampler's prompt pass); {@link
 * DecoderStep} runs one new token against a {@link KvCache} with the same pieces. Temporaries
 * belong to the caller's {@code NDScope}.
 *
 * <p>In bf16 precision every product with a weight matrix ({@link #linear}, the head) runs in
 * bfloat16 on a bfloat16 copy of the float32 weight and returns float32; norms, attention,
 * softmax and the log-softmax of the head stay float32, and gradients reach the float32 weights.
 * A sampling call's pass ({@link #forSampling}) multiplies by weights packed once for the call.
 */
final class DecoderForward {
  /** Additive mask value: large enough that {@code exp} underflows to exactly 0 in float32. */
  static final float MASKED = -1e9f;
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  private final DjlParameters parameters;
  /** The LoRA adapter the linear layers add, or null. */
  private final DjlAdapter adapter;
  private final DecoderConfig config;
  private final NDArray attentionScale;
  private final NDArray geluCubic;
  private final NDArray geluLinear;
  private final TorchOps ops;
  private final boolean bf16;
  /**
   * Packed weights of one sampling call, by weight (bfloat16 for oneDNN, or float32 for MKL), or
   * null: products on the weights themselves (in bf16 cast per product).
   */
  private final Map<NDArray, NDArray> packed;
  /** The row count the float32 weights were packed for. */
  private final long packedRows;

  DecoderForward(DjlParameters parameters, DjlAdapter adapter, boolean bf16) {
    this.parameters = parameters;
    this.adapter = adapter;
    this.config = parameters.config;
    NDManager manager = parameters.manager;
    this.attentionScale = manager.create((float) (1 / Math.sqrt(config.headSize())));
    // gelu_new(x) = 0.5 x (1 + tanh(c (x + 0.044715 x^3))) = x * sigmoid(x (2c + 2c * 0.044715 x^2))
    this.geluCubic = manager.create((float) (2 * SQRT_2_OVER_PI * 0.044715));
    this.geluLinear = manager.create((float) (2 * SQRT_2_OVER_PI));
    this.ops = TorchOps.get();
    this.bf16 = bf16;
    this.packed = null;
    this.packedRows = 0;
  }

  private DecoderForward(DecoderForward full, Map<NDArray, NDArray> packed, long packedRows) {
    this.parameters = full.parameters;
    this.adapter = full.adapter;
    this.config = full.config;
    this.attentionScale = full.attentionScale;
    this.geluCubic = full.geluCubic;
    this.geluLinear = full.geluLinear;
    this.ops = full.ops;
    this.bf16 = full.bf16;
    this.packed = packed;
    this.packedRows = packedRows;
  }

  /**
   * The forward pass for one sampling call, whose weights do not change while it runs: it
   * multiplies by copies of the blocks' weight matrices packed once here for {@code rows} rows
   * (they belong to the caller's {@code NDScope}): in bf16 for oneDNN's bfloat16 products (the
   * head too; any row count works), in fp32 for MKL's float32 products (exactly {@code rows}
   * rows; other row counts multiply by the weight itself). At 16 to 32 rows a product streams
   * its whole weight, and MKL's unpacked product also repacks it on every call.
   */
  DecoderForward forSampling(long rows) {
    Map<NDArray, NDArray> copies = new IdentityHashMap<>();
    for (int layer = 0; layer < config.layers(); layer++) {
      for (Slot slot : new Slot[] {Slot.QKV_W, Slot.O_W, Slot.UP_W, Slot.DOWN_W}) {
        NDArray weight = parameters.layer(layer, slot);
        copies.put(weight, bf16 ? ops.packBf16(weight, rows) : ops.packFp32(weight, rows));
      }
    }
    if (bf16) {
      copies.put(head(), ops.packBf16(head().transpose(), rows));
    }
    return new DecoderForward(this, copies, rows);
  }

  /**
   * What this sampling call's products multiply by for {@code weight}: its packed copy when
   * {@link #forSampling} made one, else {@code weight} itself.
   */
  NDArray productWeight(NDArray weight) {
    NDArray copy = packed == null ? null : packed.get(weight);
    return copy == null ? weight : copy;
  }

  /** The row count {@link #forSampling} packed the float32 weights for; 0 when not packed. */
  long packedRows() {
    return packed == null ? 0 : packedRows;
  }

  /**
   * A block's LoRA factors {@code A [in, r]} and {@code B ∘ M [r, out]} for the linear layer
   * {@code slot}, or null when it has no adapter term.
   */
  NDArray[] adapterFactors(int layer, Slot slot) {
    return adapter == null ? null : adapter.factors(layer, slot);
  }

  /** Whether the linear layers add a LoRA adapter's term. */
  boolean adapted() {
    return adapter != null;
  }

  /** The query scale {@code 1/sqrt(headSize)}, in float32. */
  float queryScale() {
    return attentionScale.getFloat();
  }

  /** The composed tanh GELU's factors of {@code x³} and {@code x}, in float32. */
  float[] geluFactors() {
    return new float[] {geluCubic.getFloat(), geluLinear.getFloat()};
  }

  /** Whether products with weights run in bfloat16. */
  boolean bf16() {
    return bf16;
  }

  DecoderConfig config() {
    return config;
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
   * @param mask additive attention mask {@code [B or 1, 1, T, T]}
   * @param cache when not null, receives every layer's keys and values into slots {@code [0, T)}
   * @return {@code [B, T, d]} after the final norm
   */
  NDArray sequences(NDArray tokens, NDArray positions, NDArray mask, KvCache cache) {
    NDArray x = embed(tokens, positions);
    Shape shape = tokens.getShape();
    long batch = shape.get(0);
    long length = shape.get(1);
    NDArray[] rotation = parameters.ropeCos == null ? null
        : rotation(positions.reshape(-1, length), length);
    // With grouped queries the scores are [B, kvHeads, group, T, T]: the mask broadcasts over the
    // middle two. Without, they keep the plain [B, heads, T, T] layout.
    NDArray blockMask = config.queriesPerKvHead() == 1 ? mask
        : mask.reshape(mask.getShape().get(0), 1, 1, length, length);
    for (int layer = 0; layer < config.layers(); layer++) {
      NDArray[] qkv = queryKeyValue(x, layer, batch, length, rotation);
      NDArray keysTransposed = qkv[1].transpose(0, 1, 3, 2);
      if (cache != null) {
        cache.write(layer, 0, keysTransposed, qkv[2]);
      }
      x = block(x, layer, qkv[0], keysTransposed, qkv[2], blockMask);
    }
    return finalNorm(x);
  }

  /** Logits of the head: {@code hidden @ head^T}, {@code [..., V]}, in float32. */
  NDArray logits(NDArray hidden) {
    NDArray copy = productWeight(head());
    return copy == head() ? linear(hidden, head().transpose(), null)
        : ops.packedMatmulBf16(hidden, copy);
  }

  /**
   * The token embedding {@code [V, d]}: the LoRA adapter's trainable copy when it saves the
   * embedding ({@code modules_to_save}), else the base's.
   */
  NDArray embedding() {
    int saved = adapter == null ? -1 : adapter.layout.savedIndex(Global.EMBED);
    return saved < 0 ? parameters.embedding() : adapter.views[saved];
  }

  /**
   * The head {@code [V, d]}: the token embedding when tied, else the adapter's trainable copy when
   * it saves the head, else the base's.
   */
  NDArray head() {
    if (config.tiedEmbeddings()) {
      return embedding();
    }
    int saved = adapter == null ? -1 : adapter.layout.savedIndex(Global.HEAD);
    return saved < 0 ? parameters.head() : adapter.views[saved];
  }

  NDArray embed(NDArray tokens, NDArray positions) {
    NDArray embedded = JniUtils.embedding((PtNDArray) tokens, (PtNDArray) embedding(), false);
    NDArray learned = parameters.positionEmbedding();
    if (learned == null) {
      return embedded;
    }
    return embedded.add(JniUtils.embedding((PtNDArray) positions, (PtNDArray) learned, false));
  }

  /**
   * Rotary cosines and sines for position ids {@code [B or 1, T]}, as {@code [B or 1, 1, T,
   * headSize / 2]}; null for GPT-2.
   */
  NDArray[] rotation(NDArray positions, long length) {
    if (parameters.ropeCos == null) {
      return null;
    }
    long rows = positions.getShape().get(0);
    long half = config.headSize() / 2;
    return new NDArray[] {
      JniUtils.embedding((PtNDArray) positions, (PtNDArray) parameters.ropeCos, false)
          .reshape(rows, 1, length, half),
      JniUtils.embedding((PtNDArray) positions, (PtNDArray) parameters.ropeSin, false)
          .reshape(rows, 1, length, half)
    };
  }

  /**
   * HuggingFace's {@code x·cos + rotate_half(x)·sin} over the last dimension {@code [..., headSize]}
   * with {@code cos, sin} of its half width: {@code [x1·c − x2·s, x2·c + x1·s]}.
   */
  static NDArray rotate(NDArray x, NDArray[] rotation) {
    int last = x.getShape().dimension() - 1;
    NDList halves = x.split(new long[] {x.getShape().get(last) / 2}, last);
    NDArray first = halves.get(0);
    NDArray second = halves.get(1);
    NDArray cos = rotation[0];
    NDArray sin = rotation[1];
    return first.mul(cos).subi(second.mul(sin))
        .concat(second.mul(cos).addi(first.mul(sin)), last);
  }

  /**
   * Query {@code [B, heads, T, headSize]}, key and value {@code [B, kvHeads, T, headSize]}, the
   * query and key rotated when the model is rotary.
   */
  private NDArray[] queryKeyValue(NDArray x, int layer, long batch, long length,
      NDArray[] rotation) {
    NDArray qkv = linear(norm(x, layer, Slot.NORM1_W, Slot.NORM1_B), layer, Slot.QKV_W,
        Slot.QKV_B);
    long queries = config.attentionSize();
    long keys = (long) config.kvHeads() * config.headSize();
    // One split: its backward concatenates the three gradients, where three slices would each
    // zero-fill a gradient the size of the whole projection.
    NDList parts = qkv.split(new long[] {queries, queries + keys}, 2);
    int[] heads = {config.heads(), config.kvHeads(), config.kvHeads()};
    NDArray[] out = new NDArray[3];
    for (int i = 0; i < 3; i++) {
      out[i] = parts.get(i).reshape(batch, length, heads[i], config.headSize())
          .transpose(0, 2, 1, 3);
      if (rotation != null && i < 2) {
        out[i] = rotate(out[i], rotation);
      }
    }
    return out;
  }

  /** Queries times {@code 1/sqrt(headSize)}: scaling them rather than the scores is cheaper. */
  NDArray scaleQueries(NDArray query) {
    return query.mul(attentionScale);
  }

  /**
   * One transformer block. Query heads are grouped by the key-value head they share ({@code h =
   * kv · group + g}, HuggingFace's {@code repeat_kv} order), so attention is one batched product
   * per key-value head with no copy of the keys. Keys come transposed, {@code [B, kvHeads,
   * headSize, Tk]}.
   */
  private NDArray block(NDArray x, int layer, NDArray query, NDArray keysTransposed,
      NDArray values, NDArray mask) {
    Shape shape = x.getShape();
    long batch = shape.get(0);
    long length = shape.get(1);
    long kv = config.kvHeads();
    long group = config.queriesPerKvHead();
    NDArray attended;
    if (group == 1) {
      NDArray scores = scaleQueries(query).matMul(keysTransposed).addi(mask);
      attended = scores.softmax(-1).matMul(values);
    } else {
      NDArray grouped = scaleQueries(query).reshape(batch, kv, group * length, config.headSize());
      NDArray scores = grouped.matMul(keysTransposed)
          .reshape(batch, kv, group, length, -1).addi(mask);
      attended = scores.softmax(-1).reshape(batch, kv, group * length, -1).matMul(values)
          .reshape(batch, config.heads(), length, config.headSize());
    }
    NDArray merged = attended.transpose(0, 2, 1, 3).reshape(batch, length, config.attentionSize());
    NDArray residual = linear(merged, layer, Slot.O_W, Slot.O_B).addi(x);
    return mlp(norm(residual, layer, Slot.NORM2_W, Slot.NORM2_B), layer).addi(residual);
  }

  /** The MLP without its residual: GELU for GPT-2, SwiGLU {@code down(silu(gate) · up)} else. */
  NDArray mlp(NDArray h, int layer) {
    NDArray up = linear(h, layer, Slot.UP_W, Slot.UP_B);
    NDArray inner;
    if (config.isGpt2()) {
      inner = gelu(up);
    } else {
      NDList gateUp = up.split(2, up.getShape().dimension() - 1);
      NDArray gate = gateUp.get(0);
      inner = gate.mul(JniUtils.sigmoid((PtNDArray) gate)).mul(gateUp.get(1));
    }
    return linear(inner, layer, Slot.DOWN_W, Slot.DOWN_B);
  }

  NDArray finalNorm(NDArray x) {
    return norm(x, parameters.finalNormWeight(), parameters.finalNormBias());
  }

  NDArray norm(NDArray x, int layer, Slot gain, Slot bias) {
    return norm(x, parameters.layer(layer, gain), parameters.layer(layer, bias));
  }

  /**
   * GPT-2's LayerNorm, or the Llama family's RMSNorm {@code x / sqrt(mean(x²) + ε) · g} in float32
   * (a null bias means RMSNorm).
   */
  NDArray norm(NDArray x, NDArray gain, NDArray bias) {
    if (bias != null) {
      return JniUtils.layerNorm((PtNDArray) x, new Shape(config.embeddingSize()), (PtNDArray) gain,
          (PtNDArray) bias, config.normEpsilon());
    }
    NDArray root = x.square().mean(new int[] {-1}, true).addi((float) config.normEpsilon()).sqrt();
    return x.div(root).muli(gain);
  }

  /*
   * Sums and scalings work in place wherever autograd keeps no copy of the array they overwrite
   * (a product's output, a sum's output): fewer and smaller allocations, same gradients.
   */

  /**
   * {@code x @ W + b} with {@code W} laid out {@code [in, out]}; no bias when {@code bias} is null.
   * (Calling {@code linear} with the transposed view of {@code W} measured 2.4 times slower here.)
   * In bf16 the product runs in bfloat16 (on the sampling call's packed {@code W} when there is
   * one, else on a cast that autograd differentiates back to the float32 weight), the result and
   * the bias in float32. In fp32 it runs on the sampling call's packed {@code W} when there is one.
   */
  NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    NDArray copy = productWeight(weight);
    if (!bf16) {
      NDArray product = copy == weight ? x.matMul(weight)
          : ops.packedMatmulFp32(x, copy, weight, packedRows);
      return bias == null ? product : product.addi(bias);
    }
    if (copy != weight) {
      return bias == null ? ops.packedMatmulBf16(x, copy) : ops.packedLinearBf16(x, copy, bias);
    }
    return bias == null ? ops.matmulBf16(x, weight) : ops.linearBf16(x, weight, bias);
  }

  /**
   * A block's linear layer {@code weight} (with {@code bias}, when the family has it) on {@code
   * x}, plus the LoRA adapter's {@code x A (B ∘ M)} when the model runs one on that layer.
   */
  NDArray linear(NDArray x, int layer, Slot weight, Slot bias) {
    NDArray out = linear(x, parameters.layer(layer, weight), parameters.layer(layer, bias));
    return adapter == null ? out : adapter.addTo(out, x, layer, weight);
  }

  NDArray gelu(NDArray x) {
    if (!DecoderConfig.TANH_GELU.contains(config.activation())) {
      return JniUtils.gelu((PtNDArray) x);
    }
    if (JniUtils.isGradMode()) {
      // PyTorch's fused kernel: about half the time of the composed form's ten-odd passes
      // forward and backward (without gradient, the composed in-place form costs less than
      // the extra call).
      return ops.geluTanh(x);
    }
    NDArray inner = x.mul(x).muli(geluCubic).addi(geluLinear);
    return JniUtils.sigmoid((PtNDArray) inner.muli(x)).muli(x);
  }
}
