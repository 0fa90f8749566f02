package dev.bond4j.onnx.export;

import dev.bond4j.BondException;
import dev.bond4j.decoder.DecoderCheckpoint;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
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
      String[] p = new String[layout.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = parameter(i);
      }
      DecoderBlocks blocks = new DecoderBlocks(g, config, p);
      String x = blocks.embed(ids, positions);
      String additiveMask = additiveMask(ids, mask);
      if (config.queriesPerKvHead() > 1) {
        // Scores are [batch, kv_heads, group * sequence, total]: row j is query position j % T.
        additiveMask = g.node("Tile", List.of(additiveMask,
            g.longs(1, 1, config.queriesPerKvHead(), 1)));
      }
      String[] rotation = config.rope() == null ? null : rotation(positions);
      for (int layer = 0; layer < config.layers(); layer++) {
        x = blocks.block(x, layer, rotation, additiveMask, (i, key, value) -> cached(past[i], i,
            key, value));
      }
      x = blocks.finalNorm(x);
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
      g.output("logits", blocks.logits(x), ElementType.FLOAT, "batch", "sequence",
          (long) config.vocabularySize());
      return g;
    }

    /**
     * The keys and values after the past's, declared as the {@code present} outputs; unchanged
     * for a classifier, which has no cache.
     */
    private String[] cached(String[] past, int layer, String key, String value) {
      if (past[0] == null) {
        return new String[] {key, value};
      }
      String keys = g.node("Concat", List.of(past[0], key), Attribute.of("axis", 2));
      String values = g.node("Concat", List.of(past[1], value), Attribute.of("axis", 2));
      Object[] presentDims = {"batch", (long) config.kvHeads(), "total_sequence",
          (long) config.headSize()};
      g.output("present." + layer + ".key", keys, ElementType.FLOAT, presentDims);
      g.output("present." + layer + ".value", values, ElementType.FLOAT, presentDims);
      return new String[] {keys, values};
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
  }
}
