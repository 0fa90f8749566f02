package dev.bond4j.dl4j;

import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;
import dev.bond4j.model.EngineInfo;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.EngineModel;
import dev.bond4j.decoder.LoraAdapter;
import dev.bond4j.decoder.SharedStore;
import dev.bond4j.decoder.DecodingSession;
import dev.bond4j.decoder.PackedSequences;
import dev.bond4j.decoder.PromptBatch;
import dev.bond4j.decoder.SamplingLoop;
import dev.bond4j.decoder.Softmax;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a trainable decoder policy and its frozen snapshots share: sampling, sequence
 * log-probabilities and logits over one {@link Dl4jParameters} and its {@link DecoderGraph}. Every
 * array a call creates (inputs and outputs of the graph) is closed before the call returns, so
 * native memory does not wait for Java's garbage collector. Not thread-safe: one call at a time.
 */
final class Dl4jModel extends EngineModel {
  private static final String ND4J_VERSION = nd4jVersion();
  final Dl4jParameters parameters;
  /** The LoRA adapter, or null. */
  final Dl4jAdapter adapter;
  /** This model's handle on the base parameters when they are shared (a LoRA model), or null. */
  final SharedStore base;
  final DecoderGraph graph;
  final DecoderConfig config;
  private final SamplingLoop loop;

  /** A plain model over {@code parameters}, which it closes. */
  Dl4jModel(Dl4jParameters parameters) {
    this(parameters, null, null, null);
  }

  /**
   * A model over the base {@code parameters}, held through the handle {@code base} (which it
   * closes; or, when null, owning {@code parameters}), plus {@code adapter} (which it closes; none
   * when null).
   *
   * @param baseModel the base's folder, for the adapter's files, or null
   */
  Dl4jModel(Dl4jParameters parameters, SharedStore base, Dl4jAdapter adapter, String baseModel) {
    super(parameters.config, base == null ? parameters : base,
        adapter == null ? null : new LoraAdapter(adapter.layout, adapter, baseModel));
    this.parameters = parameters;
    this.adapter = adapter;
    this.base = base;
    this.graph = DecoderGraph.of(parameters, adapter);
    this.config = parameters.config;
    this.loop = new SamplingLoop(config);
  }

  /** Another model over the same shared base, with {@code adapter} (or none). */
  Dl4jModel withAdapter(Dl4jAdapter other) {
    return new Dl4jModel(parameters, base.share(), other,
        other == null ? null : adapter().baseModel());
  }

  /**
   * Batched sampling with a key-value cache: the graph runs the left-padded prompts once and fills
   * the cache, then {@link DecoderStep} feeds one token per row and step.
   */
  @Override
  public EngineInfo engine() {
    String device = Nd4j.getEnvironment().isCPU() ? "cpu"
        : "cuda:" + Nd4j.getAffinityManager().getDeviceForCurrentThread();
    return new EngineInfo("ND4J SameDiff", ND4J_VERSION, device, "float32");
  }

  /** ND4J's version, from its jar's Maven metadata. */
  private static String nd4jVersion() {
    Properties pom = new Properties();
    try (InputStream in = Nd4j.class.getResourceAsStream(
        "/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
      if (in != null) {
        pom.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return pom.getProperty("version", "unknown");
  }

  @Override
  public List<Completion> sample(List<Prompt> prompts, SamplingSettings settings, long seed) {
    try {
      return loop.sample(prompts, settings, new SplittableRandom(seed), Session::new);
    } catch (BondException e) {
      throw e;
    } catch (RuntimeException e) {
      throw NativeEngineException.failed("ND4J", "sampling", e);
    }
  }

  /** {@code log π(y|x)} per sequence at temperature 1, without gradient. */
  @Override
  public double[] logProbs(List<? extends PromptedSequence> sequences) {
    PackedSequences packed = PackedSequences.of(sequences, config, 2);
    double[] out = new double[sequences.size()];
    if (packed.tokenCount() == 0) {
      return out;
    }
    float[] perPosition = run(inputs(packed, new float[packed.batch() * packed.length()]),
        DecoderGraph.TARGET_LOG_PROBS).get(DecoderGraph.TARGET_LOG_PROBS);
    for (int n = 0; n < packed.tokenCount(); n++) {
      out[packed.rowOf()[n]] += perPosition[packed.predictingPosition()[n]];
    }
    return out;
  }

  /**
   * Full-sequence logits of equal-length token sequences, {@code [B * T * V]} row-major: for parity
   * checks against other implementations of the same checkpoint.
   */
  @Override
  public float[] logits(List<TokenSequence> sequences) {
    int length = sequences.get(0).length();
    int batch = sequences.size();
    int[] ids = new int[batch * length];
    int[] positions = new int[batch * length];
    for (int i = 0; i < batch; i++) {
      for (int t = 0; t < length; t++) {
        ids[i * length + t] = sequences.get(i).get(t);
        positions[i * length + t] = t;
      }
    }
    Inputs inputs = new Inputs(batch, length, ids, positions, causalMask(length), 1,
        new int[batch * length], new float[batch * length]);
    return run(inputs, DecoderGraph.LOGITS).get(DecoderGraph.LOGITS);
  }

  /** The graph inputs of a packed batch: right padding under the causal mask. */
  Inputs inputs(PackedSequences packed, float[] weights) {
    return new Inputs(packed.batch(), packed.length(), packed.tokens(), packed.positions(),
        causalMask(packed.length()), 1, packed.positionTargets(), weights);
  }

  /** Additive causal mask {@code [T, T]}: a position sees itself and earlier ones. */
  static float[] causalMask(int length) {
    float[] mask = new float[length * length];
    for (int q = 0; q < length; q++) {
      Arrays.fill(mask, q * length + q + 1, (q + 1) * length, DecoderGraph.MASKED);
    }
    return mask;
  }

  /**
   * One set of graph inputs.
   *
   * @param maskRows 1 for one mask shared by all rows, {@code batch} for one mask per row
   */
  record Inputs(int batch, int length, int[] tokens, int[] positions, float[] mask,
      int maskRows, int[] targets, float[] weights) {
    /** The placeholder arrays; the caller closes them. */
    Map<String, INDArray> arrays() {
      Map<String, INDArray> arrays = new LinkedHashMap<>();
      long[] rows = {batch, length};
      arrays.put(DecoderGraph.TOKENS, Nd4j.create(tokens, rows, DataType.INT32));
      arrays.put(DecoderGraph.POSITIONS, Nd4j.create(positions, rows, DataType.INT32));
      arrays.put(DecoderGraph.MASK,
          Nd4j.create(mask, new long[] {maskRows, 1, length, length}, DataType.FLOAT));
      arrays.put(DecoderGraph.TARGETS, Nd4j.createFromArray(targets));
      arrays.put(DecoderGraph.WEIGHTS, Nd4j.createFromArray(weights));
      return arrays;
    }
  }

  /** Runs the graph forward and copies the requested outputs to Java, closing every array. */
  Map<String, float[]> run(Inputs inputs, String... outputs) {
    Map<String, float[]> out = new LinkedHashMap<>();
    forward(inputs, outputs, results -> {
      for (String name : outputs) {
        out.put(name, NdArrays.values(results.get(name)));
      }
    });
    return out;
  }

  /**
   * Runs the graph forward and hands the requested outputs to {@code use}; every input and output
   * array is closed afterwards.
   */
  private void forward(Inputs inputs, String[] outputs, Consumer<Map<String, INDArray>> use) {
    Map<String, INDArray> placeholders = inputs.arrays();
    Map<String, INDArray> results = null;
    try {
      graph.putDropout(placeholders, null, inputs.batch(), inputs.length());
      graph.freeIntermediatesEagerly();
      results = graph.sameDiff.output(placeholders, outputs);
      use.accept(results);
    } catch (BondException e) {
      throw e;
    } catch (RuntimeException e) {
      throw NativeEngineException.failed("ND4J", "running a forward pass", e);
    } finally {
      NdArrays.closeAll(placeholders);
      if (results != null) {
        NdArrays.closeAll(results);
      }
    }
  }

  @Override
  public void close() {
    graph.close();
    super.close();
  }

  /**
   * ND4J's side of one sampling call for the shared {@link SamplingLoop}: the graph runs the
   * left-padded prompts once and fills the {@link KvCache}, then {@link DecoderStep} feeds one
   * token per row and step against a key mask {@code [B, 1, 1, slots]}.
   */
  private final class Session implements DecodingSession {
    private final double temperature;
    private final DecoderStep decoder = new DecoderStep(parameters, adapter);
    private KvCache cache;
    private INDArray keyMask;
    private int rows;

    Session(double temperature) {
      this.temperature = temperature;
    }

    @Override
    public float[] prefill(PromptBatch batch) {
      rows = batch.batch();
      int slots = batch.slots();
      int p = batch.promptSlots();
      cache = new KvCache(config, rows, slots);
      float[] mask = new float[rows * slots];
      Arrays.fill(mask, DecoderGraph.MASKED);
      for (int i = 0; i < rows; i++) {
        Arrays.fill(mask, i * slots + batch.pads()[i], i * slots + p, 0f);
      }
      keyMask = Nd4j.create(mask, new long[] {rows, 1, 1, slots}, DataType.FLOAT);
      Inputs inputs = new Inputs(rows, p, batch.tokens(), batch.positions(),
          batch.mask(DecoderGraph.MASKED), rows, new int[rows * p], new float[rows * p]);
      String[] outputs = new String[1 + 2 * config.layers()];
      outputs[0] = DecoderGraph.LOGITS;
      for (int layer = 0; layer < config.layers(); layer++) {
        outputs[1 + 2 * layer] = DecoderGraph.KEYS + layer;
        outputs[2 + 2 * layer] = DecoderGraph.VALUES + layer;
      }
      float[][] logits = new float[1][];
      forward(inputs, outputs, results -> {
        for (int layer = 0; layer < config.layers(); layer++) {
          cache.write(layer, 0, results.get(DecoderGraph.KEYS + layer),
              results.get(DecoderGraph.VALUES + layer));
        }
        logits[0] = NdArrays.values(results.get(DecoderGraph.LOGITS));
      });
      return Softmax.rows(logits[0], rows, config.vocabularySize(), p, p - 1, temperature);
    }

    @Override
    public float[] step(int[] tokens, int[] positions, int slot) {
      for (int i = 0; i < rows; i++) {
        keyMask.putScalar(new long[] {i, 0, 0, slot}, 0f);
      }
      float[] logits = decoder.step(tokens, positions, keyMask, cache, slot);
      return Softmax.rows(logits, rows, config.vocabularySize(), 1, 0, temperature);
    }

    @Override
    public void close() {
      if (cache != null) {
        cache.close();
      }
      if (keyMask != null) {
        keyMask.close();
      }
    }
  }
}
