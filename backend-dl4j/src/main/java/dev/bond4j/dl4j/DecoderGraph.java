package dev.bond4j.dl4j;

import dev.bond4j.models.DecoderLayout.Slot;
import dev.bond4j.models.DecoderConfig;
import dev.bond4j.models.DecoderLayout;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The GPT-2 forward pass as one SameDiff graph over whole sequences, written to match
 * HuggingFace's {@code GPT2LMHeadModel} in eval mode: token plus position embedding, pre-LayerNorm
 * blocks of causal self-attention and a GELU MLP, a final LayerNorm and the head tied to the token
 * embedding. Shapes are dynamic: one graph serves every batch size and length, for training,
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
 * matrix products; {@code logSoftmax(x, dim)} breaks gradient building, so the last-dimension form
 * is used; its {@code gelu} is the sigmoid approximation, so GPT-2's tanh form is built from
 * elementary operations; LayerNorm is built from reductions so its epsilon is the config's.
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
  /** Prefix of layer {@code l}'s keys output, {@code [B, heads, T, headSize]}. */
  static final String KEYS = "keys";
  /** Prefix of layer {@code l}'s values output, {@code [B, heads, T, headSize]}. */
  static final String VALUES = "values";
  /** Additive mask value: large enough that {@code exp} underflows to exactly 0 in float32. */
  static final float MASKED = -1e9f;
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  final SameDiff sameDiff;
  final String[] variableNames;
  private final DecoderConfig config;
  private final DecoderLayout layout;
  private final SDVariable[] p;
  private final INDArray headSizes;

  private DecoderGraph(Dl4jParameters parameters) {
    this.config = parameters.config;
    this.layout = parameters.layout;
    this.sameDiff = SameDiff.create();
    this.variableNames = new String[parameters.tensors.length];
    this.p = new SDVariable[variableNames.length];
    this.headSizes = Nd4j.createFromArray((long) config.heads(), config.headSize());
    for (int i = 0; i < p.length; i++) {
      variableNames[i] = "p" + i;
      p[i] = sameDiff.var(variableNames[i], parameters.tensors[i]);
    }
    build();
  }

  /** The graph over {@code parameters}' arrays: changes to them show at once. */
  static DecoderGraph of(Dl4jParameters parameters) {
    return new DecoderGraph(parameters);
  }

  /** Builds the backward graph now, once, with SameDiff's stdout chatter filtered. */
  void prepareGradients() {
    if (sameDiff.getFunction("grad") == null) {
      QuietStdout.during(() -> {
        sameDiff.createGradFunction();
        return null;
      });
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

  /** Frees the graph's one constant array; the parameters belong to the caller. */
  @Override
  public void close() {
    headSizes.close();
  }

  private SDVariable layer(int layer, Slot kind) {
    return p[layout.index(layer, kind)];
  }

  private void build() {
    SameDiff sd = sameDiff;
    int d = config.embeddingSize();
    int vocabulary = config.vocabularySize();
    SDVariable tokens = sd.placeHolder(TOKENS, DataType.INT32, -1, -1);
    SDVariable positions = sd.placeHolder(POSITIONS, DataType.INT32, -1, -1);
    SDVariable mask = sd.placeHolder(MASK, DataType.FLOAT, -1, 1, -1, -1);
    SDVariable targets = sd.placeHolder(TARGETS, DataType.INT32, -1);
    SDVariable weights = sd.placeHolder(WEIGHTS, DataType.FLOAT, -1);

    SDVariable wte = p[0];
    SDVariable tokenOneHot = sd.oneHot(sd.reshape(tokens, -1), vocabulary, -1, 1.0, 0.0,
        DataType.FLOAT);
    SDVariable positionOneHot = sd.oneHot(sd.reshape(positions, -1), config.maxPositions(), -1,
        1.0, 0.0, DataType.FLOAT);
    // Hidden states stay [B·T, d]; only attention sees [B, heads, T, headSize].
    SDVariable x = sd.mmul(tokenOneHot, wte).add(sd.mmul(positionOneHot, p[1]));
    SDVariable headShape = sd.concat(0, sd.castTo(sd.shape(tokens), DataType.INT64),
        sd.constant(headSizes));
    double scale = 1 / Math.sqrt(config.headSize());
    for (int l = 0; l < config.layers(); l++) {
      SDVariable h = layerNorm(x, layer(l, Slot.NORM1_W), layer(l, Slot.NORM1_B));
      SDVariable qkv = linear(h, layer(l, Slot.QKV_W), layer(l, Slot.QKV_B));
      SDVariable[] parts = sd.split(qkv, 3, 1);
      SDVariable query = heads(parts[0], headShape).mul(scale);
      SDVariable key = heads(parts[1], headShape).rename(KEYS + l);
      SDVariable value = heads(parts[2], headShape).rename(VALUES + l);
      SDVariable scores = sd.mmul(query, key, false, true, false).add(mask);
      SDVariable attended = sd.mmul(sd.nn.softmax(scores, -1), value);
      SDVariable merged = sd.reshape(sd.permute(attended, 0, 2, 1, 3), -1, d);
      x = x.add(linear(merged, layer(l, Slot.O_W),
          layer(l, Slot.O_B)));
      SDVariable h2 = layerNorm(x, layer(l, Slot.NORM2_W), layer(l, Slot.NORM2_B));
      SDVariable inner = gelu(linear(h2, layer(l, Slot.UP_W), layer(l, Slot.UP_B)));
      x = x.add(linear(inner, layer(l, Slot.DOWN_W), layer(l, Slot.DOWN_B)));
    }
    SDVariable hidden = layerNorm(x, p[p.length - 2], p[p.length - 1]);
    SDVariable logits = sd.mmul(hidden, wte, false, true, false).rename(LOGITS);
    SDVariable logProbs = sd.nn.logSoftmax(logits);
    SDVariable targetOneHot = sd.oneHot(targets, vocabulary, -1, 1.0, 0.0, DataType.FLOAT);
    SDVariable targetLogProbs = sd.sum(logProbs.mul(targetOneHot), 1).rename(TARGET_LOG_PROBS);
    SDVariable loss = sd.sum(targetLogProbs.mul(weights)).neg().rename(LOSS);
    sd.setLossVariables(loss);
  }

  /** {@code [B·T, d]} to {@code [B, heads, T, headSize]}. */
  private SDVariable heads(SDVariable x, SDVariable headShape) {
    return sameDiff.permute(sameDiff.reshape(x, headShape), 0, 2, 1, 3);
  }

  /** GPT-2's {@code Conv1D}: {@code x @ W + b} with {@code W} laid out {@code [in, out]}. */
  private SDVariable linear(SDVariable x, SDVariable weight, SDVariable bias) {
    return sameDiff.mmul(x, weight).add(bias);
  }

  private SDVariable layerNorm(SDVariable x, SDVariable gain, SDVariable bias) {
    SDVariable centred = x.sub(sameDiff.mean(x, true, 1));
    SDVariable variance = sameDiff.mean(centred.mul(centred), true, 1);
    return centred.div(sameDiff.math.sqrt(variance.add(config.normEpsilon()))).mul(gain)
        .add(bias);
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
