package dev.bond4j.onnx.export;

import dev.bond4j.BondException;
import dev.bond4j.models.DecoderCheckpoint;
import dev.bond4j.models.DecoderConfig;
import dev.bond4j.models.DecoderLayout;
import dev.bond4j.models.DecoderLayout.Global;
import dev.bond4j.models.DecoderLayout.Slot;
import dev.bond4j.onnx.export.OnnxGraph.Attribute;
import dev.bond4j.onnx.export.OnnxGraph.ElementType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a decoder of either family of {@link DecoderConfig} (GPT-2, or Llama, Qwen2 and Mistral)
 * as an ONNX model in the HuggingFace-optimum convention, so that ONNX Runtime can serve it (a
 * distilled policy: one sample per prompt). Inputs: {@code input_ids} {@code [batch, sequence]},
 * {@code attention_mask} {@code [batch, past + sequence]}, {@code position_ids} {@code [batch,
 * sequence]} (all int64) and {@code past_key_values.{i}.key/value} {@code [batch, kv_heads, past,
 * head_size]}; outputs: {@code logits} {@code [batch, sequence, vocab]} and {@code
 * present.{i}.key/value}. A first call passes an empty past.
 *
 * <p>The graph follows the same equations as the other engines: GPT-2's learned positions,
 * LayerNorm and GELU MLP; the Llama family's rotary embedding (cosine and sine tables stored in
 * the model and gathered by {@code position_ids}), RMSNorm, SwiGLU MLP, grouped-query attention
 * (query heads grouped by the key-value head they share, so keys and values are never copied),
 * optional q/k/v, output and MLP biases, and a tied or untied head.
 *
 * <p>The export folder holds {@code model.onnx} and the model's {@code config.json}. With {@link
 * Weights#INPUTS} every parameter is a graph input named and shaped as in {@link DecoderLayout}
 * (for GPT-2, HuggingFace's names, for example {@code h.0.attn.c_attn.weight}; for the Llama
 * family the fused {@code [in, out]} tensors such as {@code model.layers.0.self_attn.qkv_proj.weight}),
 * so that one ONNX Runtime session can follow weights that change.
 */
public final class DecoderOnnxExport {
  /** File name of the exported model inside the export folder. */
  public static final String MODEL_FILE = "model.onnx";
  /** Additive mask of hidden keys; finite so that a fully masked row stays finite. */
  private static final float MASKED = -1e9f;

  /** Where the parameters live in the exported graph. */
  public enum Weights {
    /** Stored in the model: a frozen reference policy or a served one. */
    BAKED,
    /** Graph inputs fed on every call: a policy that follows another's weights. */
    INPUTS
  }

  private DecoderOnnxExport() {}

  /**
   * Exports a HuggingFace model folder ({@code config.json} and {@code model.safetensors} or a
   * sharded {@code model.safetensors.index.json}, in F32, BF16 or F16; the ONNX model computes in
   * float32).
   *
   * @param checkpoint the folder to read
   * @param target the folder to write {@code model.onnx} and {@code config.json} into
   */
  public static void exportCheckpoint(Path checkpoint, Path target, Weights weights) {
    DecoderCheckpoint read = DecoderCheckpoint.read(checkpoint, false);
    DecoderConfig config = read.config();
    export(config.dtype() == null ? config : config.withDtype("float32"), read.weights(), target,
        weights);
  }

  /**
   * Exports parameters laid out in {@link DecoderLayout}'s canonical order (for example a DJL
   * policy's {@code parameters()}); {@code values} is ignored (may be null) for {@link
   * Weights#INPUTS}.
   */
  public static void export(DecoderConfig config, float[] values, Path target, Weights weights) {
    graph(config, values, weights).write(target.resolve(MODEL_FILE));
    config.write(target);
  }

  /** The decoder graph; {@code values} is ignored (may be null) for {@link Weights#INPUTS}. */
  static OnnxGraph graph(DecoderConfig config, float[] values, Weights weights) {
    return new Builder(config, values, weights, null, null).build();
  }

  /**
   * Writes a sequence classifier (a reward model for {@code OnnxRewardModel}) on a decoder body:
   * the mean of the final hidden states over unmasked positions, then a linear head, {@code logits
   * = mean(h) · W + b}. Inputs {@code input_ids}, {@code attention_mask}, {@code position_ids};
   * output {@code logits} {@code [batch, labels]}; weights stored in the model.
   *
   * @param values the body's parameters in {@link DecoderLayout}'s canonical order
   * @param head {@code [hidden_size][labels]}
   * @param bias {@code [labels]}
   */
  public static void exportClassifier(DecoderConfig config, float[] values, float[][] head,
      float[] bias, Path file) {
    if (head.length != config.embeddingSize() || bias.length == 0) {
      throw new BondException("Expected a head of " + config.embeddingSize() + " rows and at"
          + " least one label, got " + head.length + " rows and " + bias.length + " labels");
    }
    new Builder(config, values, Weights.BAKED,
        MeanEmbeddingRewardExport.flatten(head, bias.length), bias).build().write(file);
  }

  /** Builds one graph; a fresh instance per export. */
  private static final class Builder {
    private final DecoderConfig config;
    private final DecoderLayout layout;
    private final float[] values;
    private final Weights weights;
    private final float[] head;
    private final float[] bias;
    private final OnnxGraph g;
    private String[] p;
    /** Rotary cosines and sines {@code [batch, 1, sequence, head_size / 2]}; null for GPT-2. */
    private String[] rotation;

    /** A decoder with a KV cache, or a classifier when {@code head} is given. */
    Builder(DecoderConfig config, float[] values, Weights weights, float[] head, float[] bias) {
      this.config = config;
      this.head = head;
      this.bias = bias;
      this.g = new OnnxGraph(config.modelType() + (head == null ? "_decoder" : "_classifier"));
      this.layout = new DecoderLayout(config);
      this.values = values;
      this.weights = weights;
      if (weights == Weights.BAKED && (values == null
          || values.length != layout.offset(layout.size()))) {
        throw new BondException("Expected " + layout.offset(layout.size())
            + " parameter values for " + config + ", got "
            + (values == null ? "none" : values.length));
      }
    }

    /** Tensor {@code i} of the layout, as a constant or a graph input. */
    private String parameter(int i) {
      String name = layout.name(i);
      long[] shape = layout.shape(i);
      if (weights == Weights.INPUTS) {
        return g.input(name, ElementType.FLOAT, Arrays.stream(shape).boxed().toArray());
      }
      float[] part = Arrays.copyOfRange(values, (int) layout.offset(i),
          (int) layout.offset(i + 1));
      return g.constant(name, shape, part);
    }

    /** A block tensor's value name, or null when the family has no such tensor. */
    private String p(int layer, Slot slot) {
      int index = layout.index(layer, slot);
      return index < 0 ? null : p[index];
    }

    /** A global tensor's value name, or null when the family or config has none. */
    private String p(Global global) {
      int index = layout.index(global);
      return index < 0 ? null : p[index];
    }

    OnnxGraph build() {
      String ids = g.input("input_ids", ElementType.INT64, "batch", "sequence");
      String mask = g.input("attention_mask", ElementType.INT64, "batch",
          head == null ? "total_sequence" : "sequence");
      String positions = g.input("position_ids", ElementType.INT64, "batch", "sequence");
      String[][] past = new String[config.layers()][2];
      for (int layer = 0; layer < config.layers() && head == null; layer++) {
        for (int kv = 0; kv < 2; kv++) {
          past[layer][kv] = g.input("past_key_values." + layer + (kv == 0 ? ".key" : ".value"),
              ElementType.FLOAT, "batch", (long) config.kvHeads(), "past_sequence",
              (long) config.headSize());
        }
      }
      p = new String[layout.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = parameter(i);
      }
      String x = g.node("Gather", List.of(p(Global.EMBED), ids));
      if (p(Global.POSITIONS) != null) {
        x = g.node("Add", List.of(x, g.node("Gather", List.of(p(Global.POSITIONS), positions))));
      }
      String additiveMask = additiveMask(ids, mask);
      if (config.queriesPerKvHead() > 1) {
        // Scores are [batch, kv_heads, group * sequence, total]: row j is query position j % T.
        additiveMask = g.node("Tile", List.of(additiveMask,
            g.longs(1, 1, config.queriesPerKvHead(), 1)));
      }
      rotation = config.rope() == null ? null : rotation(positions);
      for (int layer = 0; layer < config.layers(); layer++) {
        x = block(x, layer, past[layer], additiveMask);
      }
      x = norm(x, p(Global.FINAL_NORM_W), p(Global.FINAL_NORM_B));
      if (head != null) {
        int labels = bias.length;
        String pooled = MeanEmbeddingRewardExport.maskedMean(g, x, mask);
        String weight = g.constant("score.weight", new long[] {config.embeddingSize(), labels},
            head);
        String offset = g.constant("score.bias", new long[] {labels}, bias.clone());
        g.output("logits", g.node("Add", List.of(g.node("MatMul", List.of(pooled, weight)),
            offset)), ElementType.FLOAT, "batch", (long) labels);
        return g;
      }
      String lmHead = p(Global.HEAD) == null ? p(Global.EMBED) : p(Global.HEAD);
      String transposed = g.node("Transpose", List.of(lmHead), Attribute.ints("perm", 1, 0));
      g.output("logits", g.node("MatMul", List.of(x, transposed)), ElementType.FLOAT,
          "batch", "sequence", (long) config.vocabularySize());
      return g;
    }

    /**
     * {@code [batch, 1, sequence, total]}: 0 where a query may see a key, {@link #MASKED} where
     * the key is padding or lies in the query's future.
     */
    private String additiveMask(String ids, String mask) {
      String total = g.node("Gather", List.of(g.node("Shape", List.of(mask)), g.longScalar(1)));
      String sequence = g.node("Gather", List.of(g.node("Shape", List.of(ids)), g.longScalar(1)));
      String one = g.longScalar(1);
      String keys = g.node("Range", List.of(g.longScalar(0), total, one));
      String queries = g.node("Range", List.of(g.node("Sub", List.of(total, sequence)), total,
          one));
      String visible = g.node("LessOrEqual", List.of(g.node("Unsqueeze", List.of(keys,
          g.longs(0))), g.node("Unsqueeze", List.of(queries, g.longs(1)))));
      String causal = g.node("Where", List.of(visible, g.scalar(0f), g.scalar(MASKED)));
      String kept = g.node("Cast", List.of(mask), Attribute.of("to", ElementType.FLOAT.code));
      String padding = g.node("Mul", List.of(g.node("Sub", List.of(g.scalar(1f), kept)),
          g.scalar(MASKED)));
      String padding4 = g.node("Unsqueeze", List.of(padding, g.longs(1, 2)));
      return g.node("Add", List.of(causal, padding4));
    }

    /**
     * The rotary cosines and sines of {@code positions}, gathered from tables of every position
     * up to {@code max_position_embeddings} computed in Java (the numbers every engine uses).
     */
    private String[] rotation(String positions) {
      int half = config.headSize() / 2;
      float[][] tables = config.rope().tables(config.maxPositions(), config.headSize());
      long[] shape = {config.maxPositions(), half};
      String[] names = {"rope.cos", "rope.sin"};
      String[] out = new String[2];
      for (int i = 0; i < 2; i++) {
        String gathered = g.node("Gather", List.of(g.constant(names[i], shape, tables[i]),
            positions));
        out[i] = g.node("Unsqueeze", List.of(gathered, g.longs(1)));
      }
      return out;
    }

    /** {@code [x1·c − x2·s, x2·c + x1·s]} over the two halves of each head {@code [B, h, T, hd]}. */
    private String rotate(String x) {
      int half = config.headSize() / 2;
      String[] halves = g.nodes("Split", 2, List.of(x, g.longs(half, half)),
          Attribute.of("axis", 3));
      String cos = rotation[0];
      String sin = rotation[1];
      String first = g.node("Sub", List.of(g.node("Mul", List.of(halves[0], cos)),
          g.node("Mul", List.of(halves[1], sin))));
      String second = g.node("Add", List.of(g.node("Mul", List.of(halves[1], cos)),
          g.node("Mul", List.of(halves[0], sin))));
      return g.node("Concat", List.of(first, second), Attribute.of("axis", 3));
    }

    private String block(String x, int layer, String[] past, String mask) {
      int queries = config.attentionSize();
      int keys = config.kvHeads() * config.headSize();
      String h = norm(x, p(layer, Slot.NORM1_W), p(layer, Slot.NORM1_B));
      String qkv = linear(h, p(layer, Slot.QKV_W), p(layer, Slot.QKV_B));
      String[] split = g.nodes("Split", 3, List.of(qkv, g.longs(queries, keys, keys)),
          Attribute.of("axis", 2));
      String q = g.node("Mul", List.of(rotated(heads(split[0], config.heads())),
          g.scalar((float) (1 / Math.sqrt(config.headSize())))));
      String key = rotated(heads(split[1], config.kvHeads()));
      String value = heads(split[2], config.kvHeads());
      if (past[0] != null) {
        key = g.node("Concat", List.of(past[0], key), Attribute.of("axis", 2));
        value = g.node("Concat", List.of(past[1], value), Attribute.of("axis", 2));
        Object[] presentDims = {"batch", (long) config.kvHeads(), "total_sequence",
            (long) config.headSize()};
        g.output("present." + layer + ".key", key, ElementType.FLOAT, presentDims);
        g.output("present." + layer + ".value", value, ElementType.FLOAT, presentDims);
      }
      String attended = attention(q, key, value, mask);
      String merged = g.node("Reshape", List.of(g.node("Transpose", List.of(attended),
          Attribute.ints("perm", 0, 2, 1, 3)), g.longs(0, 0, queries)));
      String residual = g.node("Add", List.of(x, linear(merged, p(layer, Slot.O_W),
          p(layer, Slot.O_B))));
      String h2 = norm(residual, p(layer, Slot.NORM2_W), p(layer, Slot.NORM2_B));
      return g.node("Add", List.of(residual, linear(mlp(h2, layer), p(layer, Slot.DOWN_W),
          p(layer, Slot.DOWN_B))));
    }

    /**
     * Softmax attention of scaled queries {@code [B, heads, T, hd]} over keys and values {@code
     * [B, kv_heads, total, hd]}. With grouped-query attention the queries sharing a key-value head
     * ({@code h = kv · group + j}, HuggingFace's {@code repeat_kv} order) are stacked into one
     * product per key-value head, {@code [B, kv_heads, group · T, hd]}, against a tiled mask.
     */
    private String attention(String q, String key, String value, String mask) {
      int group = config.queriesPerKvHead();
      long headSize = config.headSize();
      String grouped = group == 1 ? q
          : g.node("Reshape", List.of(q, g.longs(0, config.kvHeads(), -1, headSize)));
      String keyT = g.node("Transpose", List.of(key), Attribute.ints("perm", 0, 1, 3, 2));
      String scores = g.node("MatMul", List.of(grouped, keyT));
      String weights = g.node("Softmax", List.of(g.node("Add", List.of(scores, mask))),
          Attribute.of("axis", -1));
      String attended = g.node("MatMul", List.of(weights, value));
      return group == 1 ? attended
          : g.node("Reshape", List.of(attended, g.longs(0, config.heads(), -1, headSize)));
    }

    /** The MLP without its residual projection: GELU for GPT-2, {@code silu(gate) · up} else. */
    private String mlp(String h, int layer) {
      String up = linear(h, p(layer, Slot.UP_W), p(layer, Slot.UP_B));
      if (config.isGpt2()) {
        return gelu(up);
      }
      int inner = config.innerSize();
      String[] gateUp = g.nodes("Split", 2, List.of(up, g.longs(inner, inner)),
          Attribute.of("axis", 2));
      String silu = g.node("Mul", List.of(gateUp[0], g.node("Sigmoid", List.of(gateUp[0]))));
      return g.node("Mul", List.of(silu, gateUp[1]));
    }

    /** {@code [batch, seq, n * hd]} to {@code [batch, n, seq, hd]}. */
    private String heads(String x, int count) {
      String split = g.node("Reshape", List.of(x, g.longs(0, 0, count, config.headSize())));
      return g.node("Transpose", List.of(split), Attribute.ints("perm", 0, 2, 1, 3));
    }

    /** Rotated by the positions' angles for the Llama family; unchanged for GPT-2. */
    private String rotated(String x) {
      return rotation == null ? x : rotate(x);
    }

    /** {@code x · W + b}, or {@code x · W} when {@code bias} is null. */
    private String linear(String x, String weight, String bias) {
      String product = g.node("MatMul", List.of(x, weight));
      return bias == null ? product : g.node("Add", List.of(product, bias));
    }

    /**
     * GPT-2's LayerNorm, or the Llama family's RMSNorm {@code x / sqrt(mean(x²) + ε) · g} (a
     * null bias means RMSNorm).
     */
    private String norm(String x, String gain, String bias) {
      Attribute epsilon = Attribute.of("epsilon", (float) config.normEpsilon());
      if (bias != null) {
        return g.node("LayerNormalization", List.of(x, gain, bias), Attribute.of("axis", -1),
            epsilon);
      }
      String meanSquare = g.node("ReduceMean", List.of(g.node("Mul", List.of(x, x))),
          Attribute.ints("axes", -1), Attribute.of("keepdims", 1));
      String root = g.node("Sqrt", List.of(g.node("Add", List.of(meanSquare,
          g.scalar((float) config.normEpsilon())))));
      return g.node("Mul", List.of(g.node("Div", List.of(x, root)), gain));
    }

    /** GELU: the tanh form for GPT-2's names, the exact erf form for {@code gelu}. */
    private String gelu(String x) {
      String half = g.node("Mul", List.of(x, g.scalar(0.5f)));
      String inner;
      if (DecoderConfig.TANH_GELU.contains(config.activation())) {
        String cube = g.node("Mul", List.of(g.node("Mul", List.of(x, x)), x));
        String poly = g.node("Add", List.of(x, g.node("Mul", List.of(cube, g.scalar(0.044715f)))));
        inner = g.node("Tanh", List.of(g.node("Mul", List.of(poly,
            g.scalar((float) Math.sqrt(2 / Math.PI))))));
      } else {
        inner = g.node("Erf", List.of(g.node("Mul", List.of(x,
            g.scalar((float) (1 / Math.sqrt(2)))))));
      }
      return g.node("Mul", List.of(half, g.node("Add", List.of(g.scalar(1f), inner))));
    }
  }
}
