package dev.bond4j.decoder;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.decoder.DecoderLayout.Global;
import dev.bond4j.decoder.DecoderLayout.Slot;
import dev.bond4j.spi.LoraSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Where a LoRA adapter's factors live in one flat float32 array, and how they map to HuggingFace
 * PEFT's tensors. Each adapted internal linear tensor {@code W [in, out]} of {@link DecoderLayout}
 * (a block's fused query-key-value, output, fused gate-up or down projection) gets two internal
 * tensors: {@code A [in, R]} and {@code B [R, out]}, with {@code R = rank ×} the number of PEFT
 * modules it fuses that are targeted. The layer computes {@code x W + x A (B ∘ M)}, where the
 * constant {@link #mask} {@code M} holds {@code alpha / rank} where module {@code i}'s rank rows
 * meet its output columns and 0 elsewhere: so a fused tensor carries exactly PEFT's separate
 * adapters (module {@code i}: {@code lora_A [r, in]} is the transpose of {@code A}'s columns
 * {@code [i r, (i+1) r)}, {@code lora_B [out_i, r]} the transpose of {@code B}'s block), and the
 * masked entries get no gradient. Order: targets by layer, then slot, each {@code A} then {@code
 * B}; then the {@link Saved} modules of PEFT's {@code modules_to_save}, trainable copies of the
 * token embedding or the head in their internal shape {@code [V, d]}.
 *
 * <p>When the model ties its head to the token embedding, saving the embedding or the head trains
 * one copy that serves as both, as PEFT does with {@code ensure_weight_tying}: it is written under
 * both PEFT names, and a file whose two copies differ is refused.
 */
public final class LoraLayout {
  /** PEFT's prefix of a causal language model's adapter tensors. */
  static final String PREFIX = "base_model.model.";
  private static final List<String> LLAMA_MODULES = List.of("q_proj", "k_proj", "v_proj",
      "o_proj", "gate_proj", "up_proj", "down_proj");
  private static final List<String> GPT2_MODULES = List.of("c_attn", "c_proj", "c_fc");
  private static final List<Slot> ADAPTABLE = List.of(Slot.QKV_W, Slot.O_W, Slot.UP_W,
      Slot.DOWN_W);
  private static final String HEAD = "lm_head";

  /**
   * One PEFT module inside an adapted tensor.
   *
   * @param name its PEFT name ({@code q_proj})
   * @param path its module path in the HuggingFace model ({@code model.layers.0.self_attn.q_proj})
   * @param from first output column of the internal tensor it covers
   * @param to end of its output columns
   */
  public record Module(String name, String path, long from, long to) {}

  /**
   * One adapted internal tensor.
   *
   * @param layer the block
   * @param slot the linear weight it adapts
   * @param in input width
   * @param out output width
   * @param modules the targeted PEFT modules it fuses, in column order
   * @param a index of its {@code A [in, R]} in this layout
   * @param b index of its {@code B [R, out]}
   */
  public record Target(int layer, Slot slot, long in, long out, List<Module> modules, int a,
      int b) {}

  /**
   * One module of {@code modules_to_save}: a trainable copy of a base tensor outside the blocks.
   *
   * @param global the base tensor it copies and replaces: the token embedding (for a tied model
   *     also the head), or an untied head
   * @param paths the HuggingFace module paths it is saved as ({@code model.embed_tokens}, {@code
   *     lm_head}; both for a tied model)
   * @param index its index in this layout
   */
  public record Saved(Global global, List<String> paths, int index) {}

  private final DecoderConfig config;
  private final LoraSettings settings;
  private final List<Target> targets = new ArrayList<>();
  private final List<Saved> saved = new ArrayList<>();
  private final List<long[]> shapes = new ArrayList<>();
  private final long[] offsets;
  /** Target number of each layer's slot, or -1. */
  private final int[][] targetIndex;

  /**
   * The layout of an adapter of {@code settings} on a model of shape {@code config}.
   *
   * @throws dev.bond4j.InvalidArgumentException when a target module is not one of the family's,
   *     or the rank exceeds a targeted module's smaller dimension
   */
  public LoraLayout(DecoderConfig config, LoraSettings settings) {
    this.config = config;
    this.settings = settings;
    List<String> known = config.isGpt2() ? GPT2_MODULES : LLAMA_MODULES;
    for (String module : settings.targetModules()) {
      Problems.require(known.contains(module), "lora.targetModules", module, "one of the "
          + config.modelType() + " modules " + String.join(", ", known));
    }
    DecoderLayout base = new DecoderLayout(config);
    targetIndex = new int[config.layers()][Slot.values().length];
    for (int layer = 0; layer < config.layers(); layer++) {
      Arrays.fill(targetIndex[layer], -1);
      for (Slot slot : ADAPTABLE) {
        long[] shape = base.shape(base.index(layer, slot));
        List<Module> modules = new ArrayList<>();
        for (Module module : modules(layer, slot)) {
          if (settings.targetModules().contains(module.name())) {
            long smaller = Math.min(shape[0], module.to() - module.from());
            Problems.require(settings.rank() <= smaller, "lora.rank", settings.rank(),
                "at most " + smaller + ", the smaller dimension of " + module.name() + " ("
                    + shape[0] + " x " + (module.to() - module.from()) + ")");
            modules.add(module);
          }
        }
        if (!modules.isEmpty()) {
          long rows = (long) settings.rank() * modules.size();
          targetIndex[layer][slot.ordinal()] = targets.size();
          targets.add(new Target(layer, slot, shape[0], shape[1], List.copyOf(modules),
              shapes.size(), shapes.size() + 1));
          shapes.add(new long[] {shape[0], rows});
          shapes.add(new long[] {rows, shape[1]});
        }
      }
    }
    addSaved(base);
    offsets = new long[shapes.size() + 1];
    for (int i = 0; i < shapes.size(); i++) {
      offsets[i + 1] = offsets[i] + SafeTensor.elementCount(shapes.get(i));
    }
  }

  /**
   * Adds the copies of {@code modules_to_save}: the embedding ({@code wte} or {@code
   * embed_tokens}, or its full path, which PEFT writes when it ties) and the head ({@code
   * lm_head}), one copy for both when the model ties them.
   */
  private void addSaved(DecoderLayout base) {
    String embedding = config.isGpt2() ? "wte" : "embed_tokens";
    String embeddingPath = config.isGpt2() ? "transformer.wte" : "model.embed_tokens";
    Set<Global> globals = new LinkedHashSet<>();
    for (String module : settings.modulesToSave()) {
      boolean isEmbedding = module.equals(embedding) || module.equals(embeddingPath);
      Problems.require(isEmbedding || module.equals(HEAD), "lora.modulesToSave", module,
          "one of the " + config.modelType() + " modules " + embedding + ", " + HEAD + " (or "
              + embeddingPath + ")");
      globals.add(isEmbedding || config.tiedEmbeddings() ? Global.EMBED : Global.HEAD);
    }
    for (Global global : globals) {
      List<String> paths = global == Global.HEAD ? List.of(HEAD)
          : config.tiedEmbeddings() ? List.of(embeddingPath, HEAD) : List.of(embeddingPath);
      saved.add(new Saved(global, paths, shapes.size()));
      shapes.add(base.shape(base.index(global)));
    }
  }

  /** The PEFT modules an internal tensor fuses, whether targeted or not. */
  private List<Module> modules(int layer, Slot slot) {
    long d = config.embeddingSize();
    long inner = config.innerSize();
    if (config.isGpt2()) {
      String p = "transformer.h." + layer + ".";
      return switch (slot) {
        case QKV_W -> List.of(new Module("c_attn", p + "attn.c_attn", 0, 3 * d));
        case O_W -> List.of(new Module("c_proj", p + "attn.c_proj", 0, d));
        case UP_W -> List.of(new Module("c_fc", p + "mlp.c_fc", 0, inner));
        case DOWN_W -> List.of(new Module("c_proj", p + "mlp.c_proj", 0, d));
        default -> List.of();
      };
    }
    String attention = "model.layers." + layer + ".self_attn.";
    String mlp = "model.layers." + layer + ".mlp.";
    long q = config.attentionSize();
    long kv = (long) config.kvHeads() * config.headSize();
    return switch (slot) {
      case QKV_W -> List.of(new Module("q_proj", attention + "q_proj", 0, q),
          new Module("k_proj", attention + "k_proj", q, q + kv),
          new Module("v_proj", attention + "v_proj", q + kv, q + 2 * kv));
      case O_W -> List.of(new Module("o_proj", attention + "o_proj", 0, d));
      case UP_W -> List.of(new Module("gate_proj", mlp + "gate_proj", 0, inner),
          new Module("up_proj", mlp + "up_proj", inner, 2 * inner));
      case DOWN_W -> List.of(new Module("down_proj", mlp + "down_proj", 0, d));
      default -> List.of();
    };
  }

  /**
   * Checks that a snapshot whose adapter has layout {@code snapshot} (null: a plain model) can
   * move toward a policy whose adapter has layout {@code source}: both plain, or both with
   * adapters of the same settings.
   *
   * @throws BondException otherwise
   */
  public static void checkFollows(LoraLayout snapshot, LoraLayout source) {
    if ((snapshot == null) != (source == null)) {
      throw new BondException("A snapshot " + (snapshot == null ? "without" : "with")
          + " a LoRA adapter cannot follow a policy " + (source == null ? "without" : "with")
          + " one (the base of a LoRA policy is frozen)");
    }
    if (source != null) {
      Problems.require(source.settings.equals(snapshot.settings), "source.lora",
          source.settings, "the snapshot's " + snapshot.settings);
    }
  }

  /** The base model's shape. */
  public DecoderConfig config() {
    return config;
  }

  /** The adapter's settings. */
  public LoraSettings settings() {
    return settings;
  }

  /** The adapted tensors, in order. */
  public List<Target> targets() {
    return targets;
  }

  /** The number in {@link #targets} of {@code slot} in {@code layer}, or -1 when it has no adapter. */
  public int targetIndex(int layer, Slot slot) {
    return targetIndex[layer][slot.ordinal()];
  }

  /** The copies of {@code modules_to_save}, in order. */
  public List<Saved> saved() {
    return saved;
  }

  /**
   * The index in this layout of the trainable copy of {@code global}, or -1 when the base tensor
   * is used. For a tied model the head is the embedding: ask for {@link Global#EMBED}.
   */
  public int savedIndex(Global global) {
    for (Saved module : saved) {
      if (module.global() == global) {
        return module.index();
      }
    }
    return -1;
  }

  /** Number of internal tensors ({@code A} and {@code B} of every target, then the copies). */
  public int size() {
    return shapes.size();
  }

  /** Internal shape of tensor {@code i} (a copy). */
  public long[] shape(int i) {
    return shapes.get(i).clone();
  }

  /** Offset of tensor {@code i} in the flat array; {@code offset(size())} is the total. */
  public long offset(int i) {
    return offsets[i];
  }

  /** Number of adapter parameters. */
  public long parameterCount() {
    return offsets[shapes.size()];
  }

  /**
   * The constant {@code M [R, out]} of a target, row-major: {@code alpha / rank} where a module's
   * rank rows meet its output columns, 0 elsewhere.
   */
  public float[] mask(Target target) {
    int rank = settings.rank();
    long out = target.out();
    float[] mask = new float[Math.toIntExact(rank * target.modules().size() * out)];
    for (int i = 0; i < target.modules().size(); i++) {
      Module module = target.modules().get(i);
      for (int k = i * rank; k < (i + 1) * rank; k++) {
        Arrays.fill(mask, (int) (k * out + module.from()), (int) (k * out + module.to()),
            (float) settings.scale());
      }
    }
    return mask;
  }

  /**
   * The selector {@code [R]} of module {@code module}'s columns of a target's {@code A}: 1 on its
   * rank columns, 0 elsewhere. With dropout each module's input has its own mask, so a fused
   * target sums {@code (x ∘ mask_i) A ∘ selector_i} over its modules.
   */
  public float[] moduleColumns(Target target, int module) {
    int rank = settings.rank();
    float[] columns = new float[rank * target.modules().size()];
    Arrays.fill(columns, module * rank, (module + 1) * rank, 1f);
    return columns;
  }

  /**
   * PEFT's initialisation, drawn in Java so that it is the same on every engine: {@code A}
   * uniform in {@code ±1/sqrt(in)} (PyTorch's {@code kaiming_uniform_} with {@code a = sqrt(5)},
   * as PEFT does), {@code B} zero, and each copy of {@code modules_to_save} the base tensor, so
   * that an untrained adapter leaves the base model unchanged.
   *
   * @param baseTensor the base model's tensor of a {@link DecoderLayout} index, row-major
   */
  public float[] initialValues(long seed, IntFunction<float[]> baseTensor) {
    float[] values = initialFactors(seed);
    DecoderLayout base = new DecoderLayout(config);
    for (Saved module : saved) {
      float[] tensor = baseTensor.apply(base.index(module.global()));
      System.arraycopy(tensor, 0, values, (int) offsets[module.index()], tensor.length);
    }
    return values;
  }

  /**
   * {@link #initialValues} with the copies of {@code modules_to_save} left zero, for an engine
   * that fills them from the base tensors itself (so that no Java copy of them is made).
   */
  public float[] initialFactors(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[Math.toIntExact(parameterCount())];
    for (Target target : targets) {
      double bound = 1 / Math.sqrt(target.in());
      for (long j = offsets[target.a()]; j < offsets[target.a() + 1]; j++) {
        values[(int) j] = (float) ((2 * random.nextDouble() - 1) * bound);
      }
    }
    return values;
  }

  /** The PEFT names of a module's two tensors, {@code lora_A} first. */
  static String[] names(Module module) {
    String stem = PREFIX + module.path();
    return new String[] {stem + ".lora_A.weight", stem + ".lora_B.weight"};
  }

  /** Splits a flat adapter into PEFT-named float32 tensors: {@code lora_A [r, in]}, {@code lora_B [out_i, r]}. */
  public Map<String, SafeTensor> tensorsOf(float[] values) {
    checkLength(values);
    Map<String, SafeTensor> out = new LinkedHashMap<>();
    int rank = settings.rank();
    for (Target target : targets) {
      for (int i = 0; i < target.modules().size(); i++) {
        Module module = target.modules().get(i);
        float[] loraA = new float[(int) (rank * target.in())];
        float[] loraB = new float[(int) (module.to() - module.from()) * rank];
        copy(values, target, i, loraA, loraB, true);
        String[] names = names(module);
        out.put(names[0], SafeTensor.ofFloats(new long[] {rank, target.in()}, loraA));
        out.put(names[1], SafeTensor.ofFloats(new long[] {module.to() - module.from(), rank},
            loraB));
      }
    }
    for (Saved module : saved) {
      SafeTensor copy = SafeTensor.ofFloats(shape(module.index()), Arrays.copyOfRange(values,
          (int) offsets[module.index()], (int) offsets[module.index() + 1]));
      for (String path : module.paths()) {
        out.put(PREFIX + path + ".weight", copy);
      }
    }
    return out;
  }

  /**
   * Copies module {@code i} of {@code target} between the flat adapter and PEFT's {@code lora_A
   * [r, in]} and {@code lora_B [out_i, r]}: into them when {@code toPeft}, else out of them.
   */
  private void copy(float[] values, Target target, int i, float[] loraA, float[] loraB,
      boolean toPeft) {
    int rank = settings.rank();
    long rows = (long) rank * target.modules().size();
    Module module = target.modules().get(i);
    int width = (int) (module.to() - module.from());
    long a = offsets[target.a()];
    long b = offsets[target.b()];
    for (int k = 0; k < rank; k++) {
      for (int j = 0; j < target.in(); j++) {
        int flat = (int) (a + j * rows + i * rank + k);
        int peft = (int) (k * target.in() + j);
        if (toPeft) {
          loraA[peft] = values[flat];
        } else {
          values[flat] = loraA[peft];
        }
      }
      for (int c = 0; c < width; c++) {
        int flat = (int) (b + (i * rank + k) * target.out() + module.from() + c);
        if (toPeft) {
          loraB[c * rank + k] = values[flat];
        } else {
          values[flat] = loraB[c * rank + k];
        }
      }
    }
  }

  /**
   * Flattens PEFT-named tensors into this layout, exactly the set {@link #tensorsOf} writes.
   *
   * @param source the file, for messages
   * @throws BondException (one line) when a tensor is missing, extra or has another shape (an
   *     adapter made for another base model)
   */
  public float[] valuesOf(Map<String, SafeTensor> tensors, String source) {
    Set<String> extra = new LinkedHashSet<>(tensors.keySet());
    List<String> missing = new ArrayList<>();
    float[] values = new float[Math.toIntExact(parameterCount())];
    int rank = settings.rank();
    for (Target target : targets) {
      for (int i = 0; i < target.modules().size(); i++) {
        Module module = target.modules().get(i);
        String[] names = names(module);
        extra.remove(names[0]);
        extra.remove(names[1]);
        SafeTensor loraA = tensors.get(names[0]);
        SafeTensor loraB = tensors.get(names[1]);
        if (loraA == null || loraB == null) {
          missing.add(loraA == null ? names[0] : names[1]);
          continue;
        }
        checkShape(source, names[0], loraA, rank, target.in());
        checkShape(source, names[1], loraB, module.to() - module.from(), rank);
        copy(values, target, i, loraA.toFloats(), loraB.toFloats(), false);
      }
    }
    for (Saved module : saved) {
      float[] first = null;
      for (String path : module.paths()) {
        String name = PREFIX + path + ".weight";
        extra.remove(name);
        SafeTensor tensor = tensors.get(name);
        if (tensor == null) {
          missing.add(name);
          continue;
        }
        long[] shape = shape(module.index());
        checkShape(source, name, tensor, shape[0], shape[1]);
        float[] copy = tensor.toFloats();
        if (first == null) {
          first = copy;
          System.arraycopy(copy, 0, values, (int) offsets[module.index()], copy.length);
        } else if (!Arrays.equals(first, copy)) {
          throw new BondException("The adapter " + source + " has different " + name + " and "
              + PREFIX + module.paths().get(0) + ".weight, but this " + config.modelType()
              + " model ties its head to the token embedding (bond4j trains one copy, as PEFT's"
              + " ensure_weight_tying)");
        }
      }
    }
    if (!missing.isEmpty() || !extra.isEmpty()) {
      throw new BondException("The adapter " + source + " does not fit " + settings
          + " on this " + config.modelType() + " model: "
          + (missing.isEmpty() ? "" : missing.size() + " missing tensor(s), first "
              + missing.get(0) + (extra.isEmpty() ? "" : "; "))
          + (extra.isEmpty() ? "" : extra.size() + " extra tensor(s), first "
              + extra.iterator().next()));
    }
    return values;
  }

  private void checkShape(String source, String name, SafeTensor tensor, long rows, long columns) {
    long[] expected = {rows, columns};
    if (!Arrays.equals(tensor.shape(), expected)) {
      throw new BondException("The adapter " + source + " has " + name + " of shape "
          + Arrays.toString(tensor.shape()) + " where the loaded " + config.modelType()
          + " model needs " + Arrays.toString(expected) + ": it was made for another base model"
          + " or rank");
    }
  }

  /**
   * The base weights with the adapter merged in: every adapted {@code W [in, out]} becomes {@code
   * W + A (B ∘ M)} (in double precision, rounded once), and each copy of {@code modules_to_save}
   * replaces its base tensor.
   *
   * @param base the base model's parameters in {@link DecoderLayout}'s order
   * @param adapter this layout's values
   */
  public float[] merge(float[] base, float[] adapter) {
    checkLength(adapter);
    DecoderLayout layout = new DecoderLayout(config);
    if (base.length != layout.parameterCount()) {
      throw new BondException("Expected " + layout.parameterCount() + " base parameters, got "
          + base.length);
    }
    float[] merged = base.clone();
    for (Target target : targets) {
      int rows = settings.rank() * target.modules().size();
      int in = (int) target.in();
      int out = (int) target.out();
      int a = (int) offsets[target.a()];
      int b = (int) offsets[target.b()];
      int w = (int) layout.offset(layout.index(target.layer(), target.slot()));
      float[] mask = mask(target);
      double[] row = new double[out];
      for (int j = 0; j < in; j++) {
        Arrays.fill(row, 0);
        for (int k = 0; k < rows; k++) {
          double factor = adapter[a + j * rows + k];
          for (int c = 0; c < out; c++) {
            row[c] += factor * adapter[b + k * out + c] * mask[k * out + c];
          }
        }
        for (int c = 0; c < out; c++) {
          merged[w + j * out + c] = (float) (base[w + j * out + c] + row[c]);
        }
      }
    }
    for (Saved module : saved) {
      int from = (int) offsets[module.index()];
      System.arraycopy(adapter, from, merged, (int) layout.offset(layout.index(module.global())),
          (int) offsets[module.index() + 1] - from);
    }
    return merged;
  }

  private void checkLength(float[] values) {
    if (values.length != parameterCount()) {
      throw new BondException("Expected " + parameterCount() + " adapter parameters for "
          + settings + ", got " + values.length);
    }
  }
}
