package dev.bond4j.dl4j;

import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.decoder.DecoderLayout.Global;
import dev.bond4j.decoder.DecoderLayout.Slot;
import dev.bond4j.decoder.LoraDropout;
import dev.bond4j.decoder.LoraLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The decoder's forward pass as one SameDiff graph over whole sequences, for both families of
 * {@link DecoderConfig}, written to match HuggingFace's {@code GPT2LMHeadModel} and {@code
 * LlamaForCausalLM} in eval mode: the token embedding (plus GPT-2's learned positions), pre-norm
 * blocks of causal self-attention (grouped-query, rotary for the Llama family) and an MLP (GELU,
 * or SwiGLU), a final norm (LayerNorm, or RMSNorm) and the head (tied to the token embedding, or
 * its own). Shapes are dynamic: one graph serves every batch size and length, for training,
 * scoring, sampling and parity checks.
 *
 * <p>Inputs ({@code B} rows of {@code T} positions): {@value #TOKENS} and {@value #POSITIONS}
 * {@code int [B, T]}, the additive attention mask {@value #MASK} {@code float [B or 1, 1, T, T]},
 * and for the loss the target of each position {@value #TARGETS} {@code int [B·T]} with its weight
 * {@value #WEIGHTS} {@code float [B·T]} (0 where a position predicts nothing). Outputs: {@value
 * #LOGITS} {@code [B·T, V]}, each position's log-probability of its target {@value
 * #TARGET_LOG_PROBS} {@code [B·T]}, the loss {@value #LOSS} {@code = −Σ weight · log-prob}, and
 * each layer's keys and values (to fill a {@link KvCache}).
 *
 * <p>SameDiff 1.0.0-M2.1 pitfalls avoided here: the gradient of {@code gather} runs one sub-graph
 * per index (minutes per step) and fails outright on some shapes, so embeddings are one-hot
 * matrix products (the rotary tables are constants, which need no gradient, so they are
 * gathered); {@code logSoftmax(x, dim)} breaks gradient building, so the last-dimension form is
 * used; its {@code gelu} is the sigmoid approximation, so GPT-2's tanh form is built from
 * elementary operations; the norms are built from reductions so their epsilon is the config's.
 */
final class DecoderGraph implements AutoCloseable {
  static final String TOKENS = "tokens";
  static final String POSITIONS = "positions";
  static final String MASK = "mask";
  static final String TARGETS = "targets";
  static final String WEIGHTS = "weights";
  static final String LOGITS = "logits";
  static final String TARGET_LOG_PROBS = "target_log_probs";
  static final String LOSS = "loss";
  /** Prefix of layer {@code l}'s keys output, {@code [B, kvHeads, T, headSize]}. */
  static final String KEYS = "keys";
  /** Prefix of layer {@code l}'s values output, {@code [B, kvHeads, T, headSize]}. */
  static final String VALUES = "values";
  /** Additive mask value: large enough that {@code exp} underflows to exactly 0 in float32. */
  static final float MASKED = -1e9f;
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  final SameDiff sameDiff;
  final String[] variableNames;
  private final Dl4jParameters parameters;
  /** The LoRA adapter, or null. */
  private final Dl4jAdapter adapter;
  private final DecoderConfig config;
  private final DecoderLayout layout;
  private final SDVariable[] p;
  /** The adapter's factors ({@code a0, a1, ...}) and scale masks, or null. */
  private final SDVariable[] factors;
  private final SDVariable[] masks;
  /** The graph's own constant arrays (shape pieces), closed with it. */
  private final List<INDArray> constants = new ArrayList<>();

  private DecoderGraph(Dl4jParameters parameters, Dl4jAdapter adapter) {
    this.parameters = parameters;
    this.adapter = adapter;
    this.config = parameters.config;
    this.layout = parameters.layout;
    this.sameDiff = SameDiff.create();
    this.p = new SDVariable[parameters.tensors.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = adapter == null ? sameDiff.var("p" + i, parameters.tensors[i])
          : sameDiff.constant("p" + i, parameters.tensors[i]);
    }
    if (adapter == null) {
      factors = null;
      masks = null;
      variableNames = new String[p.length];
      for (int i = 0; i < p.length; i++) {
        variableNames[i] = "p" + i;
      }
    } else {
      factors = new SDVariable[adapter.tensors.length];
      variableNames = new String[factors.length];
      for (int i = 0; i < factors.length; i++) {
        variableNames[i] = "a" + i;
        factors[i] = sameDiff.var(variableNames[i], adapter.tensors[i]);
      }
      masks = new SDVariable[adapter.masks.length];
      for (int t = 0; t < masks.length; t++) {
        masks[t] = sameDiff.constant("m" + t, adapter.masks[t]);
      }
    }
    build();
  }

  /**
   * The graph over {@code parameters}' arrays: changes to them show at once. With an {@code
   * adapter} (or null), the base weights are constants and the adapter's factors are the graph's
   * only variables.
   */
  static DecoderGraph of(Dl4jParameters parameters, Dl4jAdapter adapter) {
    return new DecoderGraph(parameters, adapter);
  }

  /**
   * Builds the backward graph now, once; with {@code filterStdout}, SameDiff's stdout chatter is
   * filtered out while it does ({@link QuietStdout}).
   */
  void prepareGradients(boolean filterStdout) {
    if (sameDiff.getFunction("grad") != null) {
      return;
    }
    if (filterStdout) {
      QuietStdout.during(() -> {
        sameDiff.createGradFunction();
        return null;
      });
    } else {
      sameDiff.createGradFunction();
    }
  }

  /**
   * Makes the calling thread's sessions of the graph and of its backward graph free intermediate
   * arrays at once ({@link ClosingMemoryMgr}); call before running the graph.
   */
  void freeIntermediatesEagerly() {
    ClosingMemoryMgr.install(sameDiff);
    SameDiff backward = sameDiff.getFunction("grad");
    if (backward != null) {
      ClosingMemoryMgr.install(backward);
    }
  }

  /** Frees the graph's constant arrays; the parameters and rotary tables belong to the caller. */
  @Override
  public void close() {
    constants.forEach(INDArray::close);
  }

  /** A block tensor's variable, or null when the family has none. */
  private SDVariable layer(int layer, Slot kind) {
    int index = layout.index(layer, kind);
    return index < 0 ? null : p[index];
  }

  /**
   * A tensor outside the blocks, or null when the family has none: for the embedding and an
   * untied head, the LoRA adapter's trainable copy when it saves one ({@code modules_to_save}).
   */
  private SDVariable global(Global kind) {
    int saved = adapter == null ? -1 : adapter.layout.savedIndex(kind);
    if (saved >= 0) {
      return factors[saved];
    }
    int index = layout.index(kind);
    return index < 0 ? null : p[index];
  }

  private SDVariable constant(long... values) {
    INDArray array = NdArrays.owned(Nd4j.createFromArray(values));
    constants.add(array);
    return sameDiff.constant(array);
  }

  private void build() {
    SameDiff sd = sameDiff;
    int vocabulary = config.vocabularySize();
    int size = config.headSize();
    int kv = config.kvHeads();
    int group = config.queriesPerKvHead();
    SDVariable tokens = sd.placeHolder(TOKENS, DataType.INT32, -1, -1);
    SDVariable positions = sd.placeHolder(POSITIONS, DataType.INT32, -1, -1);
    SDVariable mask = sd.placeHolder(MASK, DataType.FLOAT, -1, 1, -1, -1);
    SDVariable targets = sd.placeHolder(TARGETS, DataType.INT32, -1);
    SDVariable weights = sd.placeHolder(WEIGHTS, DataType.FLOAT, -1);

    SDVariable tokenOneHot = sd.oneHot(sd.reshape(tokens, -1), vocabulary, -1, 1.0, 0.0,
        DataType.FLOAT);
    // Hidden states stay [B·T, d]; only attention sees [B, heads, T, headSize].
    SDVariable x = sd.mmul(tokenOneHot, global(Global.EMBED));
    SDVariable flatPositions = sd.reshape(positions, -1);
    if (global(Global.POSITIONS) != null) {
      SDVariable positionOneHot = sd.oneHot(flatPositions, config.maxPositions(), -1, 1.0, 0.0,
          DataType.FLOAT);
      x = x.add(sd.mmul(positionOneHot, global(Global.POSITIONS)));
    }
    SDVariable[] rotation = null;
    if (parameters.ropeCos != null) {
      rotation = new SDVariable[] {
        sd.reshape(sd.gather(sd.constant(parameters.ropeCos), flatPositions, 0), -1, 1, size / 2),
        sd.reshape(sd.gather(sd.constant(parameters.ropeSin), flatPositions, 0), -1, 1, size / 2)
      };
    }
    SDVariable rows = sd.castTo(sd.shape(tokens), DataType.INT64);
    SDVariable queryShape = sd.concat(0, rows, constant(config.heads(), size));
    SDVariable kvShape = group == 1 ? queryShape : sd.concat(0, rows, constant(kv, size));
    Grouping grouping = group == 1 ? null : new Grouping(rows);
    double scale = 1 / Math.sqrt(size);
    for (int l = 0; l < config.layers(); l++) {
      SDVariable h = norm(x, layer(l, Slot.NORM1_W), layer(l, Slot.NORM1_B));
      SDVariable qkv = linear(h, l, Slot.QKV_W, Slot.QKV_B);
      // Queries are `group` blocks as wide as the keys: one equal split serves every family.
      SDVariable[] parts = sd.split(qkv, group + 2, 1);
      SDVariable queries = parts[0];
      if (group > 1) {
        SDVariable[] queryParts = new SDVariable[group];
        System.arraycopy(parts, 0, queryParts, 0, group);
        queries = sd.concat(1, queryParts);
      }
      SDVariable query = heads(rotate(queries, config.heads(), rotation), queryShape).mul(scale);
      SDVariable key = heads(rotate(parts[group], kv, rotation), kvShape).rename(KEYS + l);
      SDVariable value = heads(parts[group + 1], kvShape).rename(VALUES + l);
      SDVariable attended = grouping == null
          ? sd.mmul(sd.nn.softmax(sd.mmul(query, key, false, true, false).add(mask), -1), value)
          : grouping.attend(query, key, value, mask);
      SDVariable merged = sd.reshape(sd.permute(attended, 0, 2, 1, 3), -1,
          config.attentionSize());
      x = x.add(linear(merged, l, Slot.O_W, Slot.O_B));
      SDVariable h2 = norm(x, layer(l, Slot.NORM2_W), layer(l, Slot.NORM2_B));
      x = x.add(linear(mlp(linear(h2, l, Slot.UP_W, Slot.UP_B)), l, Slot.DOWN_W,
          Slot.DOWN_B));
    }
    SDVariable hidden = norm(x, global(Global.FINAL_NORM_W), global(Global.FINAL_NORM_B));
    SDVariable head = global(Global.HEAD) == null ? global(Global.EMBED) : global(Global.HEAD);
    SDVariable logits = sd.mmul(hidden, head, false, true, false).rename(LOGITS);
    SDVariable logProbs = sd.nn.logSoftmax(logits);
    SDVariable targetOneHot = sd.oneHot(targets, vocabulary, -1, 1.0, 0.0, DataType.FLOAT);
    SDVariable targetLogProbs = sd.sum(logProbs.mul(targetOneHot), 1).rename(TARGET_LOG_PROBS);
    SDVariable loss = sd.sum(targetLogProbs.mul(weights)).neg().rename(LOSS);
    sd.setLossVariables(loss);
  }

  /**
   * Grouped-query attention: query head {@code h} reads key-value head {@code h / group}
   * (HuggingFace's {@code repeat_kv} order). The query heads of a group are contiguous, so the
   * queries {@code [B, heads, T, headSize]} reshape to {@code [B, kvHeads, group·T, headSize]}
   * and attend with one batched product per key-value head, without copying the keys.
   */
  private final class Grouping {
    private final SDVariable grouped;
    private final SDVariable scores;
    private final SDVariable groupedScores;
    private final SDVariable ungrouped;

    Grouping(SDVariable rows) {
      SameDiff sd = sameDiff;
      SDVariable batch = sd.slice(rows, new int[] {0}, new int[] {1});
      SDVariable length = sd.slice(rows, new int[] {1}, new int[] {1});
      int kv = config.kvHeads();
      int heads = config.heads();
      grouped = sd.concat(0, batch, constant(kv, -1, config.headSize()));
      scores = sd.concat(0, batch, constant(heads), length, constant(-1));
      groupedScores = sd.concat(0, batch, constant(kv, -1), length);
      ungrouped = sd.concat(0, batch, constant(heads, -1, config.headSize()));
    }

    /** Attention output {@code [B, heads, T, headSize]}. */
    SDVariable attend(SDVariable query, SDVariable key, SDVariable value, SDVariable mask) {
      SameDiff sd = sameDiff;
      SDVariable product = sd.mmul(sd.reshape(query, grouped), key, false, true, false);
      SDVariable probabilities = sd.nn.softmax(sd.reshape(product, scores).add(mask), -1);
      return sd.reshape(sd.mmul(sd.reshape(probabilities, groupedScores), value), ungrouped);
    }
  }

  /**
   * HuggingFace's rotary {@code x·cos + rotate_half(x)·sin} on {@code [B·T, n·headSize]}: {@code
   * [x1·c − x2·s, x2·c + x1·s]} over the two halves of each head, as {@code [B·T, n, headSize]};
   * {@code x} itself without rotation.
   */
  private SDVariable rotate(SDVariable x, int heads, SDVariable[] rotation) {
    if (rotation == null) {
      return x;
    }
    SDVariable[] halves = sameDiff.split(sameDiff.reshape(x, -1, heads, config.headSize()), 2, 2);
    SDVariable cos = rotation[0];
    SDVariable sin = rotation[1];
    return sameDiff.concat(2, halves[0].mul(cos).sub(halves[1].mul(sin)),
        halves[1].mul(cos).add(halves[0].mul(sin)));
  }

  /** {@code [B·T, n·headSize]} (or {@code [B·T, n, headSize]}) to {@code [B, n, T, headSize]}. */
  private SDVariable heads(SDVariable x, SDVariable headShape) {
    return sameDiff.permute(sameDiff.reshape(x, headShape), 0, 2, 1, 3);
  }

  /**
   * A block's linear layer {@code x @ W + b} ({@code W} laid out {@code [in, out]}; no bias when
   * the family has none), plus the adapter's {@code x A (B ∘ M)} when it adapts the layer.
   */
  private SDVariable linear(SDVariable x, int l, Slot weight, Slot bias) {
    SDVariable product = sameDiff.mmul(x, layer(l, weight));
    SDVariable out = layer(l, bias) == null ? product : product.add(layer(l, bias));
    int t = adapter == null ? -1 : adapter.layout.targetIndex(l, weight);
    if (t < 0) {
      return out;
    }
    LoraLayout.Target target = adapter.layout.targets().get(t);
    SDVariable scaled = factors[target.b()].mul(masks[t]);
    if (!dropping()) {
      return out.add(sameDiff.mmul(sameDiff.mmul(x, factors[target.a()]), scaled));
    }
    SDVariable down = null;
    for (int i = 0; i < target.modules().size(); i++) {
      SDVariable kept = x.mul(sameDiff.placeHolder(dropoutName(t, i), DataType.FLOAT, -1,
          target.in()));
      SDVariable part = sameDiff.mmul(kept, factors[target.a()]);
      if (target.modules().size() > 1) {
        INDArray columns = NdArrays.owned(Nd4j.create(adapter.layout.moduleColumns(target, i),
            new long[] {1, (long) adapter.layout.settings().rank() * target.modules().size()},
            DataType.FLOAT));
        constants.add(columns);
        part = part.mul(sameDiff.constant(columns));
      }
      down = down == null ? part : down.add(part);
    }
    return out.add(sameDiff.mmul(down, scaled));
  }

  /**
   * Whether the adapter trains with dropout: then each adapted module's branch multiplies its
   * input by a placeholder {@link #dropoutName} {@code [B·T, in]}, which {@link #putDropout}
   * fills with the micro-batch's masks while training and with ones elsewhere (the identity,
   * exactly: the module columns of {@code x A} come out bit for bit as without dropout).
   */
  private boolean dropping() {
    return adapter != null && adapter.layout.settings().dropout() > 0;
  }

  private static String dropoutName(int target, int module) {
    return "dropout" + target + "_" + module;
  }

  /**
   * Adds the dropout placeholders of a run over {@code batch} rows of {@code length} positions to
   * {@code placeholders} (which the caller closes), when the graph has them: {@code dropout}'s
   * masks, or ones when it is null (sampling, scoring).
   */
  void putDropout(Map<String, INDArray> placeholders, LoraDropout dropout, int batch,
      int length) {
    if (!dropping()) {
      return;
    }
    List<LoraLayout.Target> targets = adapter.layout.targets();
    for (int t = 0; t < targets.size(); t++) {
      long[] shape = {(long) batch * length, targets.get(t).in()};
      for (int i = 0; i < targets.get(t).modules().size(); i++) {
        placeholders.put(dropoutName(t, i), dropout == null ? Nd4j.ones(DataType.FLOAT, shape)
            : Nd4j.create(dropout.mask(t, i, batch, length), shape, DataType.FLOAT));
      }
    }
  }

  /**
   * GPT-2's LayerNorm, or the Llama family's RMSNorm {@code x / sqrt(mean(x²) + ε) · g} (a null
   * bias means RMSNorm).
   */
  private SDVariable norm(SDVariable x, SDVariable gain, SDVariable bias) {
    if (bias == null) {
      SDVariable meanSquare = sameDiff.mean(x.mul(x), true, 1);
      return x.div(sameDiff.math.sqrt(meanSquare.add(config.normEpsilon()))).mul(gain);
    }
    SDVariable centred = x.sub(sameDiff.mean(x, true, 1));
    SDVariable variance = sameDiff.mean(centred.mul(centred), true, 1);
    return centred.div(sameDiff.math.sqrt(variance.add(config.normEpsilon()))).mul(gain)
        .add(bias);
  }

  /** The MLP's inner activation: GELU for GPT-2, SwiGLU {@code silu(gate) · up} else. */
  private SDVariable mlp(SDVariable up) {
    if (config.isGpt2()) {
      return gelu(up);
    }
    SDVariable[] gateUp = sameDiff.split(up, 2, 1);
    return gateUp[0].mul(sameDiff.nn.sigmoid(gateUp[0])).mul(gateUp[1]);
  }

  /**
   * GPT-2's {@code gelu_new}, {@code 0.5 x (1 + tanh(c (x + 0.044715 x³)))}, written as the equal
   * {@code x · sigmoid(2c (x + 0.044715 x³))}; other activations get the exact (erf) GELU.
   */
  private SDVariable gelu(SDVariable x) {
    if (!DecoderConfig.TANH_GELU.contains(config.activation())) {
      return x.mul(0.5).mul(sameDiff.math.erf(x.mul(Math.sqrt(0.5))).add(1.0));
    }
    SDVariable inner = x.mul(x).mul(2 * SQRT_2_OVER_PI * 0.044715).add(2 * SQRT_2_OVER_PI);
    return x.mul(sameDiff.nn.sigmoid(x.mul(inner)));
  }
}
