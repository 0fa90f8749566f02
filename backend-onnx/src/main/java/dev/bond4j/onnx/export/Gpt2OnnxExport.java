package dev.bond4j.onnx.export;

import dev.bond4j.models.DecoderLayout.Global;
import dev.bond4j.models.DecoderLayout.Slot;
import dev.bond4j.BondException;
import dev.bond4j.models.DecoderConfig;
import dev.bond4j.models.DecoderLayout;
import dev.bond4j.models.SafeTensors;
import dev.bond4j.onnx.export.OnnxGraph.Attribute;
import dev.bond4j.onnx.export.OnnxGraph.ElementType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a GPT-2-family policy as an ONNX decoder in the HuggingFace-optimum convention, so that
 * ONNX Runtime can serve it (a distilled policy: one sample per prompt). Inputs: {@code input_ids}
 * {@code [batch, sequence]}, {@code attention_mask} {@code [batch, past + sequence]}, {@code
 * position_ids} {@code [batch, sequence]} (all int64) and {@code past_key_values.{i}.key/value}
 * {@code [batch, heads, past, head_size]}; outputs: {@code logits} {@code [batch, sequence,
 * vocab]} and {@code present.{i}.key/value}. A first call passes an empty past.
 *
 * <p>The export folder holds {@code model.onnx} and the model's {@code config.json}. With {@link
 * Weights#INPUTS} every parameter is a graph input named as in HuggingFace (for example {@code
 * h.0.attn.c_attn.weight}), so that one ONNX Runtime session can follow weights that change.
 */
public final class Gpt2OnnxExport {
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

  private Gpt2OnnxExport() {}

  /**
   * Exports a HuggingFace GPT-2 folder ({@code config.json} and {@code model.safetensors}).
   *
   * @param checkpoint the folder to read
   * @param target the folder to write {@code model.onnx} and {@code config.json} into
   */
  public static void exportCheckpoint(Path checkpoint, Path target, Weights weights) {
    DecoderConfig config = DecoderConfig.read(checkpoint);
    Path file = checkpoint.resolve("model.safetensors");
    float[] values = new DecoderLayout(config).valuesOf(SafeTensors.read(file).tensors(),
        file.toString());
    export(config, values, target, weights);
  }

  /**
   * Exports parameters laid out in {@link DecoderLayout}'s canonical order (for example a DJL
   * policy's {@code parameters()}).
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
   * Writes a sequence classifier (a reward model for {@code OnnxRewardModel}) on a GPT-2 body:
   * the mean of the final hidden states over unmasked positions, then a linear head, {@code logits
   * = mean(h) · W + b}. Inputs {@code input_ids}, {@code attention_mask}, {@code position_ids};
   * output {@code logits} {@code [batch, labels]}; weights stored in the model.
   *
   * @param values the body's parameters in {@link DecoderLayout}'s canonical order
   * @param head {@code [n_embd][labels]}
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
      this.g = new OnnxGraph(head == null ? "gpt2_decoder" : "gpt2_classifier");
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
      int heads = config.heads();
      int headSize = config.headSize();
      String ids = g.input("input_ids", ElementType.INT64, "batch", "sequence");
      String mask = g.input("attention_mask", ElementType.INT64, "batch",
          head == null ? "total_sequence" : "sequence");
      String positions = g.input("position_ids", ElementType.INT64, "batch", "sequence");
      String[][] past = new String[config.layers()][2];
      for (int layer = 0; layer < config.layers() && head == null; layer++) {
        for (int kv = 0; kv < 2; kv++) {
          past[layer][kv] = g.input("past_key_values." + layer + (kv == 0 ? ".key" : ".value"),
              ElementType.FLOAT, "batch", (long) heads, "past_sequence", (long) headSize);
        }
      }
      String[] p = new String[layout.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = parameter(i);
      }
      String x = g.node("Add", List.of(g.node("Gather", List.of(p[0], ids)),
          g.node("Gather", List.of(p[1], positions))));
      String additiveMask = additiveMask(ids, mask);
      for (int layer = 0; layer < config.layers(); layer++) {
        x = block(x, layer, p, past[layer], additiveMask);
      }
      x = layerNorm(x, p[layout.index(Global.FINAL_NORM_W)], p[layout.index(Global.FINAL_NORM_B)]);
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
      String tied = g.node("Transpose", List.of(p[0]), Attribute.ints("perm", 1, 0));
      g.output("logits", g.node("MatMul", List.of(x, tied)), ElementType.FLOAT,
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

    private String block(String x, int layer, String[] p, String[] past, String mask) {
      int d = config.embeddingSize();
      String h = layerNorm(x, p[layout.index(layer, Slot.NORM1_W)],
          p[layout.index(layer, Slot.NORM1_B)]);
      String qkv = linear(h, p[layout.index(layer, Slot.QKV_W)],
          p[layout.index(layer, Slot.QKV_B)]);
      String[] split = g.nodes("Split", 3, List.of(qkv, g.longs(d, d, d)),
          Attribute.of("axis", 2));
      String q = g.node("Mul", List.of(heads(split[0]),
          g.scalar((float) (1 / Math.sqrt(config.headSize())))));
      String key = heads(split[1]);
      String value = heads(split[2]);
      if (past[0] != null) {
        key = g.node("Concat", List.of(past[0], key), Attribute.of("axis", 2));
        value = g.node("Concat", List.of(past[1], value), Attribute.of("axis", 2));
        Object[] presentDims = {"batch", (long) config.heads(), "total_sequence",
            (long) config.headSize()};
        g.output("present." + layer + ".key", key, ElementType.FLOAT, presentDims);
        g.output("present." + layer + ".value", value, ElementType.FLOAT, presentDims);
      }
      String keyT = g.node("Transpose", List.of(key), Attribute.ints("perm", 0, 1, 3, 2));
      String scores = g.node("MatMul", List.of(q, keyT));
      String weights = g.node("Softmax", List.of(g.node("Add", List.of(scores, mask))),
          Attribute.of("axis", -1));
      String attended = g.node("MatMul", List.of(weights, value));
      String merged = g.node("Reshape", List.of(g.node("Transpose", List.of(attended),
          Attribute.ints("perm", 0, 2, 1, 3)), g.longs(0, 0, d)));
      String residual = g.node("Add", List.of(x, linear(merged,
          p[layout.index(layer, Slot.O_W)],
          p[layout.index(layer, Slot.O_B)])));
      String h2 = layerNorm(residual, p[layout.index(layer, Slot.NORM2_W)],
          p[layout.index(layer, Slot.NORM2_B)]);
      String inner = gelu(linear(h2, p[layout.index(layer, Slot.UP_W)],
          p[layout.index(layer, Slot.UP_B)]));
      return g.node("Add", List.of(residual, linear(inner,
          p[layout.index(layer, Slot.DOWN_W)],
          p[layout.index(layer, Slot.DOWN_B)])));
    }

    /** {@code [batch, seq, d]} to {@code [batch, heads, seq, head_size]}. */
    private String heads(String x) {
      String split = g.node("Reshape", List.of(x, g.longs(0, 0, config.heads(),
          config.headSize())));
      return g.node("Transpose", List.of(split), Attribute.ints("perm", 0, 2, 1, 3));
    }

    private String linear(String x, String weight, String bias) {
      return g.node("Add", List.of(g.node("MatMul", List.of(x, weight)), bias));
    }

    private String layerNorm(String x, String gain, String bias) {
      return g.node("LayerNormalization", List.of(x, gain, bias), Attribute.of("axis", -1),
          Attribute.of("epsilon", (float) config.normEpsilon()));
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
