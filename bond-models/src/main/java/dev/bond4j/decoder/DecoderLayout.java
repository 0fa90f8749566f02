package dev.bond4j.decoder;

import dev.bond4j.MemoryBudget;
import dev.bond4j.Problems;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Where a decoder's parameters live in one flat float32 array: the canonical order every backend
 * shares, the shapes, the initialisation, and the mapping from and to HuggingFace's tensors.
 *
 * <p>Both families use one internal layout, so that every engine runs one block: linear weights
 * are laid out {@code [in, out]} (GPT-2's {@code Conv1D} layout; Llama's {@code [out, in]}
 * {@code nn.Linear} weights are transposed on the way in and out), the query, key and value
 * projections are fused into one ({@link Slot#QKV_W}, queries first), and so are Llama's gate and
 * up projections ({@link Slot#UP_W}, gate first). Order: the token embedding, GPT-2's position
 * embedding, each layer's slots in {@link Slot} order (those the family has), the final norm's
 * gain and GPT-2's bias, and an untied head {@code [V, d]}.
 */
public final class DecoderLayout {
  /** The tensors of one block; absent ones (biases a family lacks) have index -1. */
  public enum Slot {
    NORM1_W, NORM1_B, QKV_W, QKV_B, O_W, O_B, NORM2_W, NORM2_B, UP_W, UP_B, DOWN_W, DOWN_B
  }

  /** Tensors outside the blocks. */
  public enum Global { EMBED, POSITIONS, FINAL_NORM_W, FINAL_NORM_B, HEAD }

  /**
   * One HuggingFace tensor that makes up all or part of an internal tensor.
   *
   * @param name the HuggingFace name
   * @param shape its HuggingFace shape
   * @param transposed whether it is stored {@code [out, in]} and transposed internally
   */
  public record Part(String name, long[] shape, boolean transposed) {
    long size() {
      return SafeTensor.elementCount(shape);
    }

    /** Columns this part fills in the internal {@code [in, out]} (or {@code [out]}) tensor. */
    long columns() {
      return transposed ? shape[0] : shape[shape.length - 1];
    }
  }

  /**
   * One internal tensor: the concatenation, along its last dimension, of one or more parts.
   *
   * @param name a name for messages (the HuggingFace name when there is one part)
   * @param shape the internal shape
   * @param parts the HuggingFace tensors, in order
   */
  public record Tensor(String name, long[] shape, List<Part> parts) {}

  private final DecoderConfig config;
  private final List<Tensor> tensors = new ArrayList<>();
  private final int[][] layerIndex;
  private final Map<Global, Integer> globalIndex = new EnumMap<>(Global.class);
  private final long[] offsets;

  /** The layout of a model of shape {@code config}. */
  public DecoderLayout(DecoderConfig config) {
    this.config = config;
    this.layerIndex = new int[config.layers()][Slot.values().length];
    if (config.isGpt2()) {
      buildGpt2();
    } else {
      buildLlama();
    }
    offsets = new long[tensors.size() + 1];
    for (int i = 0; i < tensors.size(); i++) {
      offsets[i + 1] = offsets[i] + SafeTensor.elementCount(tensors.get(i).shape());
    }
    Problems.require(offsets[tensors.size()] <= MemoryBudget.MAX_ARRAY_LENGTH, "parameters",
        offsets[tensors.size()], "at most " + MemoryBudget.MAX_ARRAY_LENGTH + ", the most a Java"
            + " array holds (vocab_size, max_position_embeddings, hidden_size, intermediate_size"
            + " or the number of layers is too large)");
  }

  private void buildGpt2() {
    long d = config.embeddingSize();
    long inner = config.innerSize();
    global(Global.EMBED, one("wte.weight", false, config.vocabularySize(), d));
    global(Global.POSITIONS, one("wpe.weight", false, config.maxPositions(), d));
    for (int layer = 0; layer < config.layers(); layer++) {
      Arrays.fill(layerIndex[layer], -1);
      String p = "h." + layer + ".";
      slot(layer, Slot.NORM1_W, one(p + "ln_1.weight", false, d));
      slot(layer, Slot.NORM1_B, one(p + "ln_1.bias", false, d));
      slot(layer, Slot.QKV_W, one(p + "attn.c_attn.weight", false, d, 3 * d));
      slot(layer, Slot.QKV_B, one(p + "attn.c_attn.bias", false, 3 * d));
      slot(layer, Slot.O_W, one(p + "attn.c_proj.weight", false, d, d));
      slot(layer, Slot.O_B, one(p + "attn.c_proj.bias", false, d));
      slot(layer, Slot.NORM2_W, one(p + "ln_2.weight", false, d));
      slot(layer, Slot.NORM2_B, one(p + "ln_2.bias", false, d));
      slot(layer, Slot.UP_W, one(p + "mlp.c_fc.weight", false, d, inner));
      slot(layer, Slot.UP_B, one(p + "mlp.c_fc.bias", false, inner));
      slot(layer, Slot.DOWN_W, one(p + "mlp.c_proj.weight", false, inner, d));
      slot(layer, Slot.DOWN_B, one(p + "mlp.c_proj.bias", false, d));
    }
    global(Global.FINAL_NORM_W, one("ln_f.weight", false, d));
    global(Global.FINAL_NORM_B, one("ln_f.bias", false, d));
  }

  private void buildLlama() {
    long d = config.embeddingSize();
    long inner = config.innerSize();
    long q = config.attentionSize();
    long kv = (long) config.kvHeads() * config.headSize();
    global(Global.EMBED, one("model.embed_tokens.weight", false, config.vocabularySize(), d));
    for (int layer = 0; layer < config.layers(); layer++) {
      Arrays.fill(layerIndex[layer], -1);
      String p = "model.layers." + layer + ".";
      String attention = p + "self_attn.";
      slot(layer, Slot.NORM1_W, one(p + "input_layernorm.weight", false, d));
      slot(layer, Slot.QKV_W, fused(attention + "qkv_proj.weight", new long[] {d, q + 2 * kv},
          new Part(attention + "q_proj.weight", new long[] {q, d}, true),
          new Part(attention + "k_proj.weight", new long[] {kv, d}, true),
          new Part(attention + "v_proj.weight", new long[] {kv, d}, true)));
      if (config.attentionBias()) {
        slot(layer, Slot.QKV_B, fused(attention + "qkv_proj.bias", new long[] {q + 2 * kv},
            new Part(attention + "q_proj.bias", new long[] {q}, false),
            new Part(attention + "k_proj.bias", new long[] {kv}, false),
            new Part(attention + "v_proj.bias", new long[] {kv}, false)));
      }
      slot(layer, Slot.O_W, one(attention + "o_proj.weight", true, d, q));
      if (config.outputBias()) {
        slot(layer, Slot.O_B, one(attention + "o_proj.bias", false, d));
      }
      slot(layer, Slot.NORM2_W, one(p + "post_attention_layernorm.weight", false, d));
      String mlp = p + "mlp.";
      slot(layer, Slot.UP_W, fused(mlp + "gate_up_proj.weight", new long[] {d, 2 * inner},
          new Part(mlp + "gate_proj.weight", new long[] {inner, d}, true),
          new Part(mlp + "up_proj.weight", new long[] {inner, d}, true)));
      if (config.mlpBias()) {
        slot(layer, Slot.UP_B, fused(mlp + "gate_up_proj.bias", new long[] {2 * inner},
            new Part(mlp + "gate_proj.bias", new long[] {inner}, false),
            new Part(mlp + "up_proj.bias", new long[] {inner}, false)));
      }
      slot(layer, Slot.DOWN_W, one(mlp + "down_proj.weight", true, d, inner));
      if (config.mlpBias()) {
        slot(layer, Slot.DOWN_B, one(mlp + "down_proj.bias", false, d));
      }
    }
    global(Global.FINAL_NORM_W, one("model.norm.weight", false, d));
    if (!config.tiedEmbeddings()) {
      global(Global.HEAD, one("lm_head.weight", false, config.vocabularySize(), d));
    }
  }

  /** A tensor of one HuggingFace part; {@code hfShape} is the HuggingFace shape. */
  private static Tensor one(String name, boolean transposed, long... hfShape) {
    long[] shape = transposed ? new long[] {hfShape[1], hfShape[0]} : hfShape;
    return new Tensor(name, shape, List.of(new Part(name, hfShape, transposed)));
  }

  private static Tensor fused(String name, long[] shape, Part... parts) {
    return new Tensor(name, shape, List.of(parts));
  }

  private void slot(int layer, Slot slot, Tensor tensor) {
    layerIndex[layer][slot.ordinal()] = tensors.size();
    tensors.add(tensor);
  }

  private void global(Global global, Tensor tensor) {
    globalIndex.put(global, tensors.size());
    tensors.add(tensor);
  }

  /** The model shape. */
  public DecoderConfig config() {
    return config;
  }

  /** Number of internal tensors. */
  public int size() {
    return tensors.size();
  }

  /** Internal tensor {@code i}. */
  public Tensor tensor(int i) {
    return tensors.get(i);
  }

  /** Name of internal tensor {@code i}, for messages. */
  public String name(int i) {
    return tensors.get(i).name();
  }

  /** The names of the internal tensors, in order. */
  public List<String> names() {
    return tensors.stream().map(Tensor::name).toList();
  }

  /** Internal shape of tensor {@code i} (a copy). */
  public long[] shape(int i) {
    return tensors.get(i).shape().clone();
  }

  /** Offset of tensor {@code i} in the flat array; {@code offset(size())} is the total. */
  public long offset(int i) {
    return offsets[i];
  }

  /** Number of parameters. */
  public long parameterCount() {
    return offsets[tensors.size()];
  }

  /** Index of a block tensor, or -1 when this family has none. */
  public int index(int layer, Slot slot) {
    return layerIndex[layer][slot.ordinal()];
  }

  /** Index of a tensor outside the blocks, or -1 when this family or config has none. */
  public int index(Global global) {
    return globalIndex.getOrDefault(global, -1);
  }

  /**
   * Initial values drawn in Java, so that they are the same on every engine and machine. GPT-2:
   * weights {@code N(0, 0.02²)}, residual projections {@code N(0, (0.02/sqrt(2L))²)}; Llama:
   * {@code N(0, 0.02²)}; biases 0 and norm gains 1 for both.
   */
  public float[] initialValues(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[Math.toIntExact(parameterCount())];
    double projection = config.isGpt2() ? 0.02 / Math.sqrt(2.0 * config.layers()) : 0.02;
    for (int i = 0; i < tensors.size(); i++) {
      String name = tensors.get(i).name();
      boolean gain = name.endsWith("norm.weight") || name.contains("ln_")
          && name.endsWith(".weight");
      boolean bias = name.endsWith(".bias");
      double std = name.endsWith("c_proj.weight") ? projection : 0.02;
      for (int j = (int) offsets[i]; j < offsets[i + 1]; j++) {
        values[j] = gain ? 1f : bias ? 0f : (float) (std * gaussian(random));
      }
    }
    return values;
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * Flattens HuggingFace tensors into the canonical order (see {@link WeightLoader} for what is
   * accepted and refused).
   */
  public float[] valuesOf(Map<String, SafeTensor> tensors, String source) {
    float[] values = new float[Math.toIntExact(parameterCount())];
    new WeightLoader(this).load(TensorSource.of(tensors, source),
        (offset, chunk, count) -> System.arraycopy(chunk, 0, values, (int) offset, count));
    return values;
  }

  /** Splits a flat array in the canonical order into HuggingFace-named float32 tensors. */
  public Map<String, SafeTensor> tensorsOf(float[] values) {
    config.requireParameterCount(values.length);
    Map<String, SafeTensor> out = new LinkedHashMap<>();
    for (int i = 0; i < tensors.size(); i++) {
      Tensor tensor = tensors.get(i);
      long rows = tensor.shape().length == 1 ? 1 : tensor.shape()[0];
      long width = tensor.shape()[tensor.shape().length - 1];
      long column = 0;
      for (Part part : tensor.parts()) {
        float[] data = new float[(int) part.size()];
        long columns = part.columns();
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < columns; c++) {
            float value = values[(int) (offsets[i] + r * width + column + c)];
            data[part.transposed() ? (int) (c * rows + r) : (int) (r * columns + c)] = value;
          }
        }
        out.put(part.name(), SafeTensor.ofFloats(part.shape(), data));
        column += columns;
      }
    }
    return out;
  }
}
