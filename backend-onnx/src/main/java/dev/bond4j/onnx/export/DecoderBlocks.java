package dev.bond4j.onnx.export;

import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.decoder.DecoderLayout.Global;
import dev.bond4j.decoder.DecoderLayout.Slot;
import java.util.List;

/**
 * The decoder's equations as ONNX nodes, one description for every graph bond4j generates (the
 * exported inference decoder and the training graph): token and learned position embeddings,
 * GPT-2's LayerNorm and GELU MLP, the Llama family's RMSNorm, SwiGLU MLP and rotary embedding,
 * grouped-query attention (query heads grouped by the key-value head they share, {@code h = kv ·
 * group + j}, HuggingFace's {@code repeat_kv} order, so that keys and values are never copied),
 * optional biases and a tied or untied head. Parameters are value names in {@link DecoderLayout}'s
 * order.
 */
public final class DecoderBlocks {
  /** What a block does with its keys and values before attending, such as adding a cache. */
  @FunctionalInterface
  public interface KeyValues {
    /**
     * The keys and values to attend over, given this block's {@code [B, kv_heads, T, hd]}.
     *
     * @return {@code {keys, values}}
     */
    String[] apply(int layer, String key, String value);
  }

  private final GraphBuilder g;
  private final DecoderConfig config;
  private final DecoderLayout layout;
  private final String[] parameters;

  /**
   * The equations of {@code config} emitted into {@code g}.
   *
   * @param parameters the value name of each {@link DecoderLayout} tensor
   */
  public DecoderBlocks(GraphBuilder g, DecoderConfig config, String[] parameters) {
    this.g = g;
    this.config = config;
    this.layout = new DecoderLayout(config);
    this.parameters = parameters.clone();
  }

  private String p(int layer, Slot slot) {
    int index = layout.index(layer, slot);
    return index < 0 ? null : parameters[index];
  }

  private String p(Global global) {
    int index = layout.index(global);
    return index < 0 ? null : parameters[index];
  }

  /** Token embeddings of {@code ids}, plus GPT-2's learned embeddings of {@code positions}. */
  public String embed(String ids, String positions) {
    String x = g.op("Gather", List.of(p(Global.EMBED), ids));
    return p(Global.POSITIONS) == null ? x
        : g.op("Add", List.of(x, g.op("Gather", List.of(p(Global.POSITIONS), positions))));
  }

  /** The final norm. */
  public String finalNorm(String x) {
    return norm(x, p(Global.FINAL_NORM_W), p(Global.FINAL_NORM_B));
  }

  /** The logits {@code x · Eᵀ} of the head (the token embedding when tied). */
  public String logits(String x) {
    String head = p(Global.HEAD) == null ? p(Global.EMBED) : p(Global.HEAD);
    return g.op("MatMul", List.of(x, g.op("Transpose", List.of(head), "perm",
        new long[] {1, 0})));
  }

  /**
   * One pre-norm block.
   *
   * @param rotation the rotary cosines and sines, broadcastable to {@code [B, heads, T, hd / 2]},
   *     or null for GPT-2
   * @param mask the additive mask of the scores {@code [.., group · T, keys]} of one key-value
   *     head: row {@code r} is query position {@code r mod T}
   * @param keyValues what happens to the keys and values before attention
   */
  public String block(String x, int layer, String[] rotation, String mask, KeyValues keyValues) {
    int queries = config.attentionSize();
    int keys = config.kvHeads() * config.headSize();
    String h = norm(x, p(layer, Slot.NORM1_W), p(layer, Slot.NORM1_B));
    String qkv = linear(h, p(layer, Slot.QKV_W), p(layer, Slot.QKV_B));
    String[] split = g.ops("Split", 3, List.of(qkv, g.longs(queries, keys, keys)), "axis", 2);
    String q = g.op("Mul", List.of(rotated(heads(split[0], config.heads()), rotation),
        g.scalar(1 / Math.sqrt(config.headSize()))));
    String[] kv = keyValues.apply(layer, rotated(heads(split[1], config.kvHeads()), rotation),
        heads(split[2], config.kvHeads()));
    String attended = attention(q, kv[0], kv[1], mask);
    String merged = g.op("Reshape", List.of(g.op("Transpose", List.of(attended),
        "perm", new long[] {0, 2, 1, 3}), g.longs(0, 0, queries)));
    String residual = g.op("Add", List.of(x, linear(merged, p(layer, Slot.O_W),
        p(layer, Slot.O_B))));
    String h2 = norm(residual, p(layer, Slot.NORM2_W), p(layer, Slot.NORM2_B));
    return g.op("Add", List.of(residual, linear(mlp(h2, layer), p(layer, Slot.DOWN_W),
        p(layer, Slot.DOWN_B))));
  }

  /**
   * Softmax attention of scaled queries {@code [B, heads, T, hd]} over keys and values {@code [B,
   * kv_heads, total, hd]}; with grouped-query attention the queries sharing a key-value head are
   * stacked into one product per key-value head, {@code [B, kv_heads, group · T, hd]}.
   */
  private String attention(String q, String key, String value, String mask) {
    int group = config.queriesPerKvHead();
    long headSize = config.headSize();
    String grouped = group == 1 ? q
        : g.op("Reshape", List.of(q, g.longs(0, config.kvHeads(), -1, headSize)));
    String keyT = g.op("Transpose", List.of(key), "perm", new long[] {0, 1, 3, 2});
    String scores = g.op("Add", List.of(g.op("MatMul", List.of(grouped, keyT)), mask));
    String weights = g.op("Softmax", List.of(scores), "axis", -1);
    String attended = g.op("MatMul", List.of(weights, value));
    return group == 1 ? attended
        : g.op("Reshape", List.of(attended, g.longs(0, config.heads(), -1, headSize)));
  }

  /** The MLP without its residual projection: GELU for GPT-2, {@code silu(gate) · up} else. */
  private String mlp(String h, int layer) {
    String up = linear(h, p(layer, Slot.UP_W), p(layer, Slot.UP_B));
    if (config.isGpt2()) {
      return gelu(up);
    }
    int inner = config.innerSize();
    String[] gateUp = g.ops("Split", 2, List.of(up, g.longs(inner, inner)), "axis", 2);
    String silu = g.op("Mul", List.of(gateUp[0], g.op("Sigmoid", List.of(gateUp[0]))));
    return g.op("Mul", List.of(silu, gateUp[1]));
  }

  /** {@code [batch, seq, n * hd]} to {@code [batch, n, seq, hd]}. */
  private String heads(String x, int count) {
    String split = g.op("Reshape", List.of(x, g.longs(0, 0, count, config.headSize())));
    return g.op("Transpose", List.of(split), "perm", new long[] {0, 2, 1, 3});
  }

  /**
   * {@code [x1·c − x2·s, x2·c + x1·s]} over the two halves of each head, or {@code x} unchanged
   * without a rotation.
   */
  private String rotated(String x, String[] rotation) {
    if (rotation == null) {
      return x;
    }
    int half = config.headSize() / 2;
    String[] halves = g.ops("Split", 2, List.of(x, g.longs(half, half)), "axis", 3);
    String first = g.op("Sub", List.of(g.op("Mul", List.of(halves[0], rotation[0])),
        g.op("Mul", List.of(halves[1], rotation[1]))));
    String second = g.op("Add", List.of(g.op("Mul", List.of(halves[1], rotation[0])),
        g.op("Mul", List.of(halves[0], rotation[1]))));
    return g.op("Concat", List.of(first, second), "axis", 3);
  }

  /** {@code x · W + b}, or {@code x · W} when {@code bias} is null. */
  private String linear(String x, String weight, String bias) {
    String product = g.op("MatMul", List.of(x, weight));
    return bias == null ? product : g.op("Add", List.of(product, bias));
  }

  /**
   * GPT-2's LayerNorm (with its mean and inverse deviation as outputs, which a backward pass
   * reads), or the Llama family's RMSNorm {@code x / sqrt(mean(x²) + ε) · g} (a null bias).
   */
  private String norm(String x, String gain, String bias) {
    if (bias != null) {
      return g.ops("LayerNormalization", 3, List.of(x, gain, bias), "axis", -1,
          "epsilon", (float) config.normEpsilon())[0];
    }
    String meanSquare = g.op("ReduceMean", List.of(g.op("Mul", List.of(x, x))),
        "axes", new long[] {-1}, "keepdims", 1);
    String root = g.op("Sqrt", List.of(g.op("Add", List.of(meanSquare,
        g.scalar(config.normEpsilon())))));
    return g.op("Mul", List.of(g.op("Div", List.of(x, root)), gain));
  }

  /** GELU: the tanh form for GPT-2's names, the exact erf form for {@code gelu}. */
  private String gelu(String x) {
    String half = g.op("Mul", List.of(x, g.scalar(0.5)));
    String inner;
    if (DecoderConfig.TANH_GELU.contains(config.activation())) {
      String cube = g.op("Mul", List.of(g.op("Mul", List.of(x, x)), x));
      String poly = g.op("Add", List.of(x, g.op("Mul", List.of(cube, g.scalar(0.044715)))));
      inner = g.op("Tanh", List.of(g.op("Mul", List.of(poly, g.scalar(Math.sqrt(2 / Math.PI))))));
    } else {
      inner = g.op("Erf", List.of(g.op("Mul", List.of(x, g.scalar(1 / Math.sqrt(2))))));
    }
    return g.op("Mul", List.of(half, g.op("Add", List.of(g.scalar(1), inner))));
  }
}
