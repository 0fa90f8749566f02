package dev.bond4j.models;

import dev.bond4j.BondException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Where a GPT-2 model's parameters live in one flat float32 array, by HuggingFace tensor name: the
 * canonical order every backend shares, the shapes, GPT-2's initialisation, and the conversion
 * from and to named tensors.
 *
 * <p>Order: {@code wte}, {@code wpe}, then per layer {@code ln_1.weight}, {@code ln_1.bias},
 * {@code attn.c_attn.weight}, {@code attn.c_attn.bias}, {@code attn.c_proj.weight}, {@code
 * attn.c_proj.bias}, {@code ln_2.weight}, {@code ln_2.bias}, {@code mlp.c_fc.weight}, {@code
 * mlp.c_fc.bias}, {@code mlp.c_proj.weight}, {@code mlp.c_proj.bias}, then {@code ln_f}. Linear
 * weights use GPT-2's {@code Conv1D} layout {@code [in, out]}.
 */
public final class Gpt2Layout {
  /** Tensors per transformer block. */
  public static final int PER_LAYER = 12;
  /** Per-layer tensor kinds, in order; pass them to {@link #index}. */
  public static final int LN1_W = 0;
  public static final int LN1_B = 1;
  public static final int ATTN_W = 2;
  public static final int ATTN_B = 3;
  public static final int ATTN_PROJ_W = 4;
  public static final int ATTN_PROJ_B = 5;
  public static final int LN2_W = 6;
  public static final int LN2_B = 7;
  public static final int FC_W = 8;
  public static final int FC_B = 9;
  public static final int MLP_PROJ_W = 10;
  public static final int MLP_PROJ_B = 11;
  private static final String[] LAYER_NAMES = {
    "ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight",
    "attn.c_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias",
    "mlp.c_proj.weight", "mlp.c_proj.bias"
  };
  /** Buffers some GPT-2 checkpoints carry that are not parameters. */
  private static final String[] IGNORED_SUFFIXES = {".attn.bias", ".attn.masked_bias"};

  private final Gpt2Config config;
  private final String[] names;
  private final long[][] shapes;
  private final long[] offsets;

  /** The layout of a model of shape {@code config}. */
  public Gpt2Layout(Gpt2Config config) {
    this.config = config;
    this.names = buildNames(config);
    this.shapes = buildShapes(config);
    this.offsets = new long[names.length + 1];
    for (int i = 0; i < names.length; i++) {
      offsets[i + 1] = offsets[i] + SafeTensor.elementCount(shapes[i]);
    }
  }

  /** The model shape. */
  public Gpt2Config config() {
    return config;
  }

  /** Number of tensors. */
  public int size() {
    return names.length;
  }

  /** HuggingFace name of tensor {@code i}. */
  public String name(int i) {
    return names[i];
  }

  /** HuggingFace names of all tensors, in the canonical order. */
  public List<String> names() {
    return List.of(names);
  }

  /** Shape of tensor {@code i} (a copy). */
  public long[] shape(int i) {
    return shapes[i].clone();
  }

  /** Offset of tensor {@code i} in the flat array; {@code offset(size())} is the total. */
  public long offset(int i) {
    return offsets[i];
  }

  /** Index of layer {@code layer}'s tensor {@code kind} (one of the constants above). */
  public static int index(int layer, int kind) {
    return 2 + layer * PER_LAYER + kind;
  }

  /** Index of the final LayerNorm gain; its bias follows it. */
  public int lnFinal() {
    return names.length - 2;
  }

  /**
   * GPT-2's initialisation, drawn in Java so that it is the same on every engine and machine:
   * weights {@code N(0, 0.02²)}, residual projections {@code N(0, (0.02/sqrt(2L))²)}, biases 0,
   * LayerNorm gains 1.
   */
  public float[] initialValues(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
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

  private static String[] buildNames(Gpt2Config config) {
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

  private static long[][] buildShapes(Gpt2Config config) {
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
  public float[] valuesOf(Map<String, SafeTensor> tensors, String source) {
    Map<String, SafeTensor> byName = new LinkedHashMap<>();
    for (Map.Entry<String, SafeTensor> entry : tensors.entrySet()) {
      String name = entry.getKey().startsWith("transformer.")
          ? entry.getKey().substring("transformer.".length()) : entry.getKey();
      if (name.equals("lm_head.weight") || Arrays.stream(IGNORED_SUFFIXES).anyMatch(name::endsWith)) {
        continue;
      }
      byName.put(name, entry.getValue());
    }
    List<String> problems = new ArrayList<>();
    float[] values = new float[Math.toIntExact(config.parameterCount())];
    for (int i = 0; i < names.length; i++) {
      SafeTensor tensor = byName.remove(names[i]);
      if (tensor == null) {
        problems.add(names[i] + " is missing");
      } else if (!Arrays.equals(tensor.shape(), shapes[i])) {
        problems.add(names[i] + " has shape " + Arrays.toString(tensor.shape()) + ", expected "
            + Arrays.toString(shapes[i]));
      } else {
        System.arraycopy(tensor.toFloats(), 0, values, (int) offsets[i],
            (int) (offsets[i + 1] - offsets[i]));
      }
    }
    if (!byName.isEmpty()) {
      problems.add("unexpected tensors " + byName.keySet());
    }
    if (!problems.isEmpty()) {
      throw new BondException("The weights in " + source + " do not fit the GPT-2 config ("
          + config.layers() + " layers, n_embd " + config.embeddingSize() + ", vocab "
          + config.vocabularySize() + "): " + String.join("; ", problems));
    }
    return values;
  }

  /** Splits a flat array in the canonical order into named float32 tensors. */
  public Map<String, SafeTensor> tensorsOf(float[] values) {
    if (values.length != offsets[names.length]) {
      throw new BondException("Expected " + offsets[names.length] + " parameters for " + config
          + ", got " + values.length);
    }
    Map<String, SafeTensor> tensors = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      float[] part = Arrays.copyOfRange(values, (int) offsets[i], (int) offsets[i + 1]);
      tensors.put(names[i], SafeTensor.ofFloats(shapes[i], part));
    }
    return tensors;
  }
}
