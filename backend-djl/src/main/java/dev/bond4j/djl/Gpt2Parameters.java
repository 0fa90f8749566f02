package dev.bond4j.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.bond4j.BondException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The parameters of a GPT-2 model in one contiguous float32 buffer, with one view per HuggingFace
 * tensor. Keeping them contiguous makes the optimizer step, gradient norm, EMA and copies single
 * operations over the whole model; each view is a separate autograd leaf, so gradients stay per
 * tensor and cost no extra copies in the backward pass.
 *
 * <p>Order: {@code wte}, {@code wpe}, then per layer {@code ln_1.weight}, {@code ln_1.bias},
 * {@code attn.c_attn.weight}, {@code attn.c_attn.bias}, {@code attn.c_proj.weight}, {@code
 * attn.c_proj.bias}, {@code ln_2.weight}, {@code ln_2.bias}, {@code mlp.c_fc.weight}, {@code
 * mlp.c_fc.bias}, {@code mlp.c_proj.weight}, {@code mlp.c_proj.bias}, then {@code ln_f}. Linear
 * weights use GPT-2's {@code Conv1D} layout {@code [in, out]}.
 */
final class Gpt2Parameters implements AutoCloseable {
  static final int PER_LAYER = 12;
  static final int LN1_W = 0;
  static final int LN1_B = 1;
  static final int ATTN_W = 2;
  static final int ATTN_B = 3;
  static final int ATTN_PROJ_W = 4;
  static final int ATTN_PROJ_B = 5;
  static final int LN2_W = 6;
  static final int LN2_B = 7;
  static final int FC_W = 8;
  static final int FC_B = 9;
  static final int MLP_PROJ_W = 10;
  static final int MLP_PROJ_B = 11;
  private static final String[] LAYER_NAMES = {
    "ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight",
    "attn.c_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias",
    "mlp.c_proj.weight", "mlp.c_proj.bias"
  };
  /** Buffers some GPT-2 checkpoints carry that are not parameters. */
  private static final String[] IGNORED_SUFFIXES = {".attn.bias", ".attn.masked_bias"};

  final Gpt2Config config;
  final NDManager manager;
  final NDArray flat;
  final NDArray[] views;
  final String[] names;
  final long[][] shapes;
  final long[] offsets;

  private Gpt2Parameters(Gpt2Config config, NDManager manager, NDArray flat, boolean trainable) {
    this.config = config;
    this.manager = manager;
    this.flat = flat;
    this.names = names(config);
    this.shapes = shapes(config);
    this.offsets = new long[names.length + 1];
    this.views = new NDArray[names.length];
    for (int i = 0; i < names.length; i++) {
      offsets[i + 1] = offsets[i] + SafeTensor.elementCount(shapes[i]);
      NDArray view = flat.get(new NDIndex().addSliceDim(offsets[i], offsets[i + 1]))
          .reshape(new Shape(shapes[i]));
      if (trainable) {
        NDArray leaf = view.stopGradient();
        view.close();
        leaf.setRequiresGradient(true);
        view = leaf;
      }
      views[i] = view;
    }
  }

  /** Parameters holding {@code values} (laid out in the canonical order) on {@code device}. */
  static Gpt2Parameters of(Gpt2Config config, float[] values, Device device, boolean trainable) {
    if (values.length != config.parameterCount()) {
      throw new BondException("Expected " + config.parameterCount() + " parameters for " + config
          + ", got " + values.length);
    }
    NDManager manager = DjlRuntime.engine().newBaseManager(device);
    try {
      NDArray flat = manager.create(values);
      return new Gpt2Parameters(config, manager, flat, trainable);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** A copy of these parameters with their own buffer. */
  Gpt2Parameters copy(boolean trainable) {
    NDManager target = DjlRuntime.engine().newBaseManager(flat.getDevice());
    try {
      NDArray clone = flat.duplicate();
      clone.attach(target);
      return new Gpt2Parameters(config, target, clone, trainable);
    } catch (RuntimeException e) {
      target.close();
      throw e;
    }
  }

  /**
   * GPT-2's initialisation, drawn in Java so that it is the same on every engine and machine:
   * weights {@code N(0, 0.02²)}, residual projections {@code N(0, (0.02/sqrt(2L))²)}, biases 0,
   * LayerNorm gains 1.
   */
  static float[] initialValues(Gpt2Config config, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String[] names = names(config);
    long[][] shapes = shapes(config);
    float[] values = new float[Math.toIntExact(config.parameterCount())];
    int at = 0;
    double projection = 0.02 / Math.sqrt(2.0 * config.layers());
    for (int i = 0; i < names.length; i++) {
      int count = (int) SafeTensor.elementCount(shapes[i]);
      String name = names[i];
      boolean gain = name.contains("ln_") && name.endsWith(".weight");
      boolean bias = name.endsWith(".bias");
      double std = name.endsWith("c_proj.weight") ? projection : 0.02;
      for (int j = 0; j < count; j++) {
        values[at + j] = gain ? 1f : bias ? 0f : (float) (std * gaussian(random));
      }
      at += count;
    }
    return values;
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** HuggingFace names of the parameters, in the canonical order. */
  static String[] names(Gpt2Config config) {
    List<String> names = new ArrayList<>();
    names.add("wte.weight");
    names.add("wpe.weight");
    for (int layer = 0; layer < config.layers(); layer++) {
      for (String name : LAYER_NAMES) {
        names.add("h." + layer + "." + name);
      }
    }
    names.add("ln_f.weight");
    names.add("ln_f.bias");
    return names.toArray(String[]::new);
  }

  static long[][] shapes(Gpt2Config config) {
    long d = config.embeddingSize();
    long inner = config.innerSize();
    long[][] layer = {
      {d}, {d}, {d, 3 * d}, {3 * d}, {d, d}, {d}, {d}, {d}, {d, inner}, {inner}, {inner, d}, {d}
    };
    List<long[]> shapes = new ArrayList<>();
    shapes.add(new long[] {config.vocabularySize(), d});
    shapes.add(new long[] {config.maxPositions(), d});
    for (int i = 0; i < config.layers(); i++) {
      shapes.addAll(Arrays.asList(layer));
    }
    shapes.add(new long[] {d});
    shapes.add(new long[] {d});
    return shapes.toArray(long[][]::new);
  }

  /**
   * Flattens the tensors of a HuggingFace checkpoint into the canonical order. Names may carry the
   * {@code transformer.} prefix of {@code GPT2LMHeadModel}; a tied {@code lm_head.weight} and the
   * attention-mask buffers are ignored.
   *
   * @throws BondException when a tensor is missing, unexpected or of the wrong shape
   */
  static float[] valuesOf(Gpt2Config config, Map<String, SafeTensor> tensors, String source) {
    Map<String, SafeTensor> byName = new LinkedHashMap<>();
    List<String> unexpected = new ArrayList<>();
    for (Map.Entry<String, SafeTensor> entry : tensors.entrySet()) {
      String name = entry.getKey().startsWith("transformer.")
          ? entry.getKey().substring("transformer.".length()) : entry.getKey();
      if (name.equals("lm_head.weight") || Arrays.stream(IGNORED_SUFFIXES).anyMatch(name::endsWith)) {
        continue;
      }
      byName.put(name, entry.getValue());
    }
    String[] names = names(config);
    long[][] shapes = shapes(config);
    List<String> problems = new ArrayList<>();
    float[] values = new float[Math.toIntExact(config.parameterCount())];
    int at = 0;
    for (int i = 0; i < names.length; i++) {
      SafeTensor tensor = byName.remove(names[i]);
      int count = (int) SafeTensor.elementCount(shapes[i]);
      if (tensor == null) {
        problems.add(names[i] + " is missing");
      } else if (!Arrays.equals(tensor.shape(), shapes[i])) {
        problems.add(names[i] + " has shape " + Arrays.toString(tensor.shape()) + ", expected "
            + Arrays.toString(shapes[i]));
      } else {
        System.arraycopy(tensor.toFloats(), 0, values, at, count);
      }
      at += count;
    }
    unexpected.addAll(byName.keySet());
    if (!unexpected.isEmpty()) {
      problems.add("unexpected tensors " + unexpected);
    }
    if (!problems.isEmpty()) {
      throw new BondException("The weights in " + source + " do not fit the GPT-2 config ("
          + config.layers() + " layers, n_embd " + config.embeddingSize() + ", vocab "
          + config.vocabularySize() + "): " + String.join("; ", problems));
    }
    return values;
  }

  /** The parameters as named float32 tensors, in the canonical order. */
  Map<String, SafeTensor> toTensors() {
    return tensorsOf(names, shapes, offsets, flat.toFloatArray());
  }

  /** Splits a flat array laid out like these parameters into named tensors, with a name prefix. */
  static Map<String, SafeTensor> tensorsOf(String[] names, long[][] shapes, long[] offsets,
      float[] values) {
    Map<String, SafeTensor> tensors = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      float[] part = Arrays.copyOfRange(values, (int) offsets[i], (int) offsets[i + 1]);
      tensors.put(names[i], SafeTensor.ofFloats(shapes[i], part));
    }
    return tensors;
  }

  /** Index of layer {@code layer}'s tensor {@code kind} (one of the constants above). */
  static int index(int layer, int kind) {
    return 2 + layer * PER_LAYER + kind;
  }

  NDArray wte() {
    return views[0];
  }

  NDArray wpe() {
    return views[1];
  }

  NDArray layer(int layer, int kind) {
    return views[index(layer, kind)];
  }

  NDArray lnFinalWeight() {
    return views[views.length - 2];
  }

  NDArray lnFinalBias() {
    return views[views.length - 1];
  }

  /** A copy of all parameter values, in the canonical order. */
  float[] values() {
    return flat.toFloatArray();
  }

  /** Overwrites all parameter values in place, so that the views see them. */
  void setValues(float[] values) {
    overwrite(flat, values);
  }

  /**
   * Copies {@code values} into {@code target}'s own storage. ({@code NDArray.set(float[])} may
   * give the array new storage, which would detach every view of it.)
   */
  static void overwrite(NDArray target, float[] values) {
    if (values.length != target.size()) {
      throw new BondException("Expected " + target.size() + " values, got " + values.length);
    }
    try (NDArray source = target.getManager().create(values, target.getShape())) {
      target.set(new NDIndex(":"), source);
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
