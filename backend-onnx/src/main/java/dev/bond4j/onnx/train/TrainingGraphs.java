package dev.bond4j.onnx.train;

import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.onnx.export.DecoderBlocks;
import dev.bond4j.onnx.export.OnnxGraph.ElementType;
import dev.bond4j.value.OptimizerSettings;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The ONNX graphs of one J-BOND training step, generated from the shared decoder description
 * ({@link DecoderConfig}, {@link DecoderLayout}) for both families and written with bond4j's own
 * ONNX writer:
 *
 * <ul>
 *   <li>{@link #accumulate}: the forward pass of {@code −Σ w · log π(y)} over a packed batch of
 *       static shape {@code [B, T]} ({@code PackedSequences}: right-padded rows, the causal mask
 *       hides the padding) and its backward pass by {@link DiffGraph}, adding each parameter's
 *       gradient to the accumulated one of earlier micro-batches;
 *   <li>{@link #adamW}: one AdamW step with the scalars of {@code AdamStep} (clipping factor,
 *       learning rate after warm-up, bias corrections) fed in;
 *   <li>{@link #ema}: the anchor's move {@code (1 − η) θ_anchor + η θ}.
 * </ul>
 *
 * Parameters are inputs and outputs named as in {@link DecoderLayout}, so that the caller keeps
 * them in ONNX Runtime between calls.
 */
public final class TrainingGraphs {
  /** Input ids {@code [B, T]}, int64. */
  public static final String IDS = "input_ids";
  /** Target id of each position {@code [B, T, 1]}, int64 (0 where a position predicts nothing). */
  public static final String TARGETS = "targets";
  /** Sequence weight at each predicting position {@code [B, T]}, 0 elsewhere. */
  public static final String WEIGHTS = "weights";
  /** Output: {@code log π} of each position's target {@code [B, T]}. */
  public static final String LOG_PROBS = "log_probs";
  /** Output: the squared global norm of the accumulated gradient, a scalar. */
  public static final String GRAD_SQUARES = "grad_squares";
  /** Scalar inputs of the AdamW graph. */
  public static final String LEARNING_RATE = "learning_rate";
  /** The gradient-norm clipping factor. */
  public static final String CLIP = "clip";
  /** {@code 1 − β1^t}. */
  public static final String CORRECTION1 = "correction1";
  /** {@code 1 − β2^t}. */
  public static final String CORRECTION2 = "correction2";
  /** Scalar inputs of the EMA graph: {@code η} and {@code 1 − η}. */
  public static final String ETA = "eta";
  /** {@code 1 − η}, computed in double by the caller. */
  public static final String KEEP = "keep";
  private static final float MASKED = -1e9f;

  private TrainingGraphs() {}

  /** The name of an accumulated gradient (input) or gradient (output) of a parameter. */
  public static String grad(String parameter) {
    return "grad." + parameter;
  }

  /** The name of the accumulated gradient input of a parameter. */
  public static String accumulated(String parameter) {
    return "acc." + parameter;
  }

  /** The name of a first-moment input or output. */
  public static String firstMoment(String parameter) {
    return "m." + parameter;
  }

  /** The name of a second-moment input or output. */
  public static String secondMoment(String parameter) {
    return "v." + parameter;
  }

  /** The name of an updated parameter or moment output. */
  public static String updated(String name) {
    return "new." + name;
  }

  /** The name of the anchor's parameter input in the EMA graph. */
  public static String anchor(String parameter) {
    return "anchor." + parameter;
  }

  /**
   * Forward and backward of one micro-batch of {@code batch} rows of {@code length} positions.
   * Inputs: the parameters, {@link #accumulated} gradients, {@link #IDS}, {@link #TARGETS}, {@link
   * #WEIGHTS}; outputs: {@link #LOG_PROBS}, each {@link #grad} (accumulated plus this batch's) and
   * {@link #GRAD_SQUARES}.
   */
  public static DiffGraph accumulate(DecoderConfig config, int batch, int length) {
    return new Forward(config, batch, length).build();
  }

  /**
   * One AdamW step on every parameter: {@code g ← clip · g}, {@code m ← β1 m + (1 − β1) g}, {@code
   * v ← β2 v + (1 − β2) g²}, {@code θ ← θ − lr · (m / c1 / (sqrt(v / c2) + ε) + λ θ)}. Inputs: the
   * parameters, their {@link #grad}, {@link #firstMoment} and {@link #secondMoment}, and the
   * scalars {@link #LEARNING_RATE}, {@link #CLIP}, {@link #CORRECTION1}, {@link #CORRECTION2};
   * outputs the {@link #updated} parameters and moments.
   */
  public static DiffGraph adamW(DecoderConfig config, OptimizerSettings settings) {
    DecoderLayout layout = new DecoderLayout(config);
    DiffGraph g = new DiffGraph("adamw");
    String lr = g.input(LEARNING_RATE, ElementType.FLOAT);
    String clip = g.input(CLIP, ElementType.FLOAT);
    String c1 = g.input(CORRECTION1, ElementType.FLOAT);
    String c2 = g.input(CORRECTION2, ElementType.FLOAT);
    String beta1 = g.scalar(settings.beta1());
    String rest1 = g.scalar(1 - settings.beta1());
    String beta2 = g.scalar(settings.beta2());
    String rest2 = g.scalar(1 - settings.beta2());
    String epsilon = g.scalar(settings.epsilon());
    String decay = g.scalar(settings.weightDecay());
    for (int i = 0; i < layout.size(); i++) {
      String name = layout.name(i);
      long[] shape = layout.shape(i);
      String theta = g.input(name, ElementType.FLOAT, shape);
      String grad = g.op("Mul", List.of(g.input(grad(name), ElementType.FLOAT, shape), clip));
      String m = g.op("Add", List.of(g.op("Mul", List.of(g.input(firstMoment(name),
          ElementType.FLOAT, shape), beta1)), g.op("Mul", List.of(grad, rest1))));
      String v = g.op("Add", List.of(g.op("Mul", List.of(g.input(secondMoment(name),
          ElementType.FLOAT, shape), beta2)), g.op("Mul", List.of(g.op("Mul",
          List.of(grad, grad)), rest2))));
      String denominator = g.op("Add", List.of(g.op("Sqrt", List.of(g.op("Div",
          List.of(v, c2)))), epsilon));
      String direction = g.op("Add", List.of(g.op("Div", List.of(g.op("Div", List.of(m, c1)),
          denominator)), g.op("Mul", List.of(theta, decay))));
      g.output(updated(name), g.op("Sub", List.of(theta, g.op("Mul", List.of(direction, lr)))));
      g.output(updated(firstMoment(name)), m);
      g.output(updated(secondMoment(name)), v);
    }
    return g;
  }

  /**
   * The anchor's move: inputs the {@link #anchor} parameters, the policy's parameters, {@link
   * #KEEP} and {@link #ETA}; outputs the {@link #updated} anchor parameters {@code keep · θ_anchor
   * + η · θ}.
   */
  public static DiffGraph ema(DecoderConfig config) {
    DecoderLayout layout = new DecoderLayout(config);
    DiffGraph g = new DiffGraph("ema");
    String keep = g.input(KEEP, ElementType.FLOAT);
    String eta = g.input(ETA, ElementType.FLOAT);
    for (int i = 0; i < layout.size(); i++) {
      String name = layout.name(i);
      long[] shape = layout.shape(i);
      String kept = g.op("Mul", List.of(g.input(anchor(name), ElementType.FLOAT, shape), keep));
      String moved = g.op("Mul", List.of(g.input(name, ElementType.FLOAT, shape), eta));
      g.output(updated(anchor(name)), g.op("Add", List.of(kept, moved)));
    }
    return g;
  }

  /** Builds the forward and backward graph of one micro-batch shape. */
  private static final class Forward {
    private final DecoderConfig config;
    private final DecoderLayout layout;
    private final int batch;
    private final int length;
    private final DiffGraph g;

    Forward(DecoderConfig config, int batch, int length) {
      this.config = config;
      this.layout = new DecoderLayout(config);
      this.batch = batch;
      this.length = length;
      this.g = new DiffGraph(config.modelType() + "_train_" + batch + "x" + length);
    }

    DiffGraph build() {
      String[] p = new String[layout.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = g.parameter(layout.name(i), layout.shape(i));
      }
      String ids = g.input(IDS, ElementType.INT64, batch, length);
      String targets = g.input(TARGETS, ElementType.INT64, batch, length, 1);
      String weights = g.input(WEIGHTS, ElementType.FLOAT, batch, length);
      long[] positions = new long[length];
      Arrays.setAll(positions, t -> t);
      DecoderBlocks blocks = new DecoderBlocks(g, config, p);
      String x = blocks.embed(ids, g.longs(positions));
      String mask = causalMask();
      String[] rotation = config.rope() == null ? null : rotation();
      for (int layer = 0; layer < config.layers(); layer++) {
        x = blocks.block(x, layer, rotation, mask, (i, key, value) -> new String[] {key, value});
      }
      String logits = blocks.logits(blocks.finalNorm(x));
      String logSoftmax = g.op("LogSoftmax", List.of(logits), "axis", -1);
      String picked = g.op("GatherElements", List.of(logSoftmax, targets), "axis", 2);
      String logProbs = g.op("Reshape", List.of(picked, g.longs(batch, length)));
      List<String> grads = g.gradients(Map.of(logProbs, g.op("Neg", List.of(weights))),
          Arrays.asList(p));
      g.output(LOG_PROBS, logProbs);
      String sum = null;
      for (int i = 0; i < p.length; i++) {
        String total = g.op("Add", List.of(g.input(accumulated(p[i]), ElementType.FLOAT,
            layout.shape(i)), grads.get(i)));
        g.output(grad(p[i]), total);
        String squares = g.op("ReduceSum", List.of(g.op("Mul", List.of(total, total))),
            "keepdims", 0);
        sum = sum == null ? squares : g.op("Add", List.of(sum, squares));
      }
      g.output(GRAD_SQUARES, sum);
      return g;
    }

    /**
     * The additive causal mask {@code [group · T, T]} of the scores of one key-value head: row
     * {@code r} is query position {@code r mod T}. Right padding needs no more: pads follow every
     * real token.
     */
    private String causalMask() {
      int rows = config.queriesPerKvHead() * length;
      float[] values = new float[rows * length];
      for (int r = 0; r < rows; r++) {
        for (int k = 0; k < length; k++) {
          values[r * length + k] = k <= r % length ? 0f : MASKED;
        }
      }
      return g.constant(new long[] {rows, length}, values);
    }

    /** The rotary cosines and sines {@code [T, head_size / 2]} of positions {@code 0..T-1}. */
    private String[] rotation() {
      int half = config.headSize() / 2;
      float[][] tables = config.rope().tables(length, config.headSize());
      return new String[] {g.constant(new long[] {length, half}, tables[0]),
          g.constant(new long[] {length, half}, tables[1])};
    }
  }
}
