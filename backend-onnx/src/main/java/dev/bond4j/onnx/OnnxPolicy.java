package dev.bond4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;
import dev.bond4j.Problems;
import dev.bond4j.model.Policy;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecodingSession;
import dev.bond4j.decoder.PromptBatch;
import dev.bond4j.decoder.SamplingLoop;
import dev.bond4j.decoder.Softmax;
import dev.bond4j.decoder.TokenChooser;
import dev.bond4j.onnx.export.DecoderOnnxExport;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A decoder of either family (GPT-2, or Llama, Qwen2 and Mistral) run by ONNX Runtime, in the
 * HuggingFace-optimum convention (see {@link DecoderSignature}): the frozen reference policy, a
 * served (distilled) policy, or, with weights as graph inputs, a policy that follows another's
 * weights on every call, such as the EMA anchor of a run trained by another backend.
 *
 * <p>Sampling uses the KV cache when the model has one (otherwise it recomputes the whole sequence
 * each step) and draws tokens in Java with bond4j's {@link TokenChooser}, so settings and reported
 * log-probabilities mean the same as on every other backend. Batches are left-padded; a model
 * without {@code attention_mask} or {@code position_ids} runs one sequence per call. Every input
 * is checked in Java before ONNX Runtime sees it (ONNX Runtime silently wraps negative ids), so a
 * rejected call leaves the session usable. Not thread-safe.
 */
public final class OnnxPolicy implements Policy, AutoCloseable {
  private final Path file;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final DecoderSignature signature;
  private final DecoderConfig config;
  private final SamplingLoop loop;
  private final OnnxOptions options;
  private final WeightSource source;
  private final Map<String, FloatBuffer> weightBuffers = new LinkedHashMap<>();
  private final Map<String, OnnxTensor> weightTensors = new LinkedHashMap<>();
  /** The weights as ONNX Runtime tensors someone else owns, or null. */
  private final Supplier<Map<String, OnnxTensor>> tensors;

  private OnnxPolicy(Path directory, WeightSource source, OnnxOptions options) {
    this(directory, source, null, options);
  }

  private OnnxPolicy(Path directory, WeightSource source,
      Supplier<Map<String, OnnxTensor>> tensors, OnnxOptions options) {
    this.file = directory.resolve(DecoderOnnxExport.MODEL_FILE);
    this.config = DecoderConfig.read(directory);
    this.loop = new SamplingLoop(config);
    this.options = options;
    this.source = source;
    this.tensors = tensors;
    this.environment = OnnxSessions.environment();
    this.session = OnnxSessions.open(file, options, "decoder model");
    try {
      this.signature = DecoderSignature.of(session, file);
      checkFits();
      // Weights fed as tensors someone else owns need no buffers of their own.
      Map<String, long[]> owned = tensors == null ? signature.weights : Map.of();
      for (Map.Entry<String, long[]> weight : owned.entrySet()) {
        long count = Arrays.stream(weight.getValue()).reduce(1, Math::multiplyExact);
        FloatBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(count * 4))
            .order(ByteOrder.nativeOrder()).asFloatBuffer();
        weightBuffers.put(weight.getKey(), buffer);
        weightTensors.put(weight.getKey(),
            OrtObjects.value(OnnxTensor.createTensor(environment, buffer, weight.getValue())));
      }
    } catch (OrtException | RuntimeException e) {
      close();
      throw e instanceof BondException b ? b
          : new BondException("Cannot prepare the decoder " + file + ": " + e, e);
    }
  }

  /**
   * Opens a decoder with its weights stored in the model: a folder holding {@code model.onnx} and
   * its HuggingFace {@code config.json} (as {@link DecoderOnnxExport} writes them). A config of a
   * supported {@code model_type} is fully validated; for other model types (Llama and the like) {@code vocab_size}, {@code
   * eos_token_id} and {@code max_position_embeddings} are read, and the cache's shape is checked
   * against {@code num_hidden_layers}, {@code num_key_value_heads} and the head size where given.
   *
   * @throws BondException when a file is missing or invalid, the model does not follow the
   *     convention, takes weights as inputs, or does not match the config
   */
  public static OnnxPolicy load(Path directory, OnnxOptions options) {
    return new OnnxPolicy(directory, null, options);
  }

  /**
   * Opens a decoder exported with weights as graph inputs ({@link DecoderOnnxExport.Weights#INPUTS})
   * that reads them from {@code source} before every {@link #sample} and {@link #logProbs}.
   */
  public static OnnxPolicy following(Path directory, WeightSource source, OnnxOptions options) {
    return new OnnxPolicy(directory, Objects.requireNonNull(source, "source"), options);
  }

  /**
   * Opens a decoder exported with weights as graph inputs whose weights are ONNX Runtime tensors
   * that {@code tensors} hands over before every call, without a copy (a trainable ONNX policy's
   * live weights). The tensors stay owned by the caller.
   */
  static OnnxPolicy onTensors(Path directory, Supplier<Map<String, OnnxTensor>> tensors,
      OnnxOptions options) {
    return new OnnxPolicy(directory, null, Objects.requireNonNull(tensors, "tensors"), options);
  }

  private void checkFits() {
    List<String> problems = new ArrayList<>();
    if (signature.vocabulary >= 0 && signature.vocabulary != config.vocabularySize()) {
      problems.add("its logits have " + signature.vocabulary + " entries, the config's vocab_size is "
          + config.vocabularySize());
    }
    if (signature.cached() && (mismatch(signature.layers, config.layers())
        || mismatch(signature.heads, config.kvHeads())
        || mismatch(signature.headSize, config.headSize()))) {
      problems.add("its cache has " + signature.layers + " layers of " + signature.heads
          + " heads of size " + signature.headSize + ", the config says " + config.layers()
          + " layers of " + config.kvHeads() + " heads of size " + config.headSize());
    }
    if (source == null && tensors == null && !signature.weights.isEmpty()) {
      problems.add("it takes weights as inputs " + signature.weights.keySet()
          + "; open it with OnnxPolicy.following");
    }
    if ((source != null || tensors != null) && signature.weights.isEmpty()) {
      problems.add("it stores its weights, so it cannot follow a weight source; open it with"
          + " OnnxPolicy.load");
    }
    if (!problems.isEmpty()) {
      throw new BondException("The decoder " + file + " does not fit: " + String.join("; ",
          problems));
    }
  }

  private static boolean mismatch(int actual, int configured) {
    return configured >= 0 && actual != configured;
  }

  @Override
  public int vocabularySize() {
    return config.vocabularySize();
  }

  @Override
  public int eosToken() {
    return config.eosToken();
  }

  @Override
  public int maxSequenceLength() {
    return config.maxPositions();
  }

  /** The options the session was opened with. */
  public OnnxOptions options() {
    return options;
  }

  @Override
  public List<Completion> sample(List<Prompt> prompts, SamplingSettings settings, long seed) {
    loop.checkPrompts(prompts);
    refreshWeights();
    SplittableRandom random = new SplittableRandom(seed);
    List<Completion> out = new ArrayList<>(prompts.size());
    int chunk = signature.padsBatches() ? options.maxBatch() : 1;
    for (int from = 0; from < prompts.size(); from += chunk) {
      List<Prompt> part = prompts.subList(from, Math.min(prompts.size(), from + chunk));
      out.addAll(loop.sample(part, settings, random, Session::new));
    }
    return out;
  }

  @Override
  public double[] logProbs(List<? extends PromptedSequence> sequences) {
    Problems problems = Problems.of("sequences for an ONNX policy");
    for (int i = 0; i < sequences.size(); i++) {
      PromptedSequence sequence = sequences.get(i);
      checkPrompt(problems, "sequences[" + i + "]", sequence.prompt().tokens());
      problems.check(sequence.completion().maxToken() < vocabularySize(),
          "sequences[" + i + "].completion", sequence.completion(),
          "token ids in [0, " + vocabularySize() + ")");
      int total = sequence.prompt().tokens().length() + sequence.completion().length();
      problems.check(total <= maxSequenceLength(), "sequences[" + i + "].length", total,
          "prompt plus completion within the context of " + maxSequenceLength() + " tokens");
    }
    problems.throwIfAny();
    refreshWeights();
    double[] out = new double[sequences.size()];
    int chunk = signature.padsBatches() ? options.maxBatch() : 1;
    for (int from = 0; from < sequences.size(); from += chunk) {
      List<? extends PromptedSequence> part =
          sequences.subList(from, Math.min(sequences.size(), from + chunk));
      List<TokenSequence> joined = part.stream()
          .map(s -> s.prompt().tokens().concat(s.completion())).toList();
      Batch batch = Batch.leftPadded(joined, eosToken());
      float[] logits = forward(batch);
      int v = vocabularySize();
      for (int b = 0; b < part.size(); b++) {
        PromptedSequence sequence = part.get(b);
        int start = batch.pad(b) + sequence.prompt().tokens().length();
        double sum = 0;
        for (int j = 0; j < sequence.completion().length(); j++) {
          int row = (b * batch.width + start + j - 1) * v;
          sum += logSoftmax(logits, row, v, sequence.completion().get(j));
        }
        out[from + b] = sum;
      }
    }
    return out;
  }

  /**
   * The logits {@code [B, T, V]} (flattened) of sequences of equal length, every position; for
   * parity checks against other engines.
   */
  public float[] logits(List<TokenSequence> sequences) {
    Problems problems = Problems.of("sequences for logits");
    for (int i = 0; i < sequences.size(); i++) {
      TokenSequence tokens = sequences.get(i);
      checkPrompt(problems, "sequences[" + i + "]", tokens);
      problems.check(tokens.length() == sequences.get(0).length(), "sequences[" + i + "].length",
          tokens.length(), "the length of sequences[0], " + sequences.get(0).length())
          .check(tokens.length() <= maxSequenceLength(), "sequences[" + i + "].length",
              tokens.length(), "at most " + maxSequenceLength() + " tokens");
    }
    problems.throwIfAny();
    refreshWeights();
    if (signature.padsBatches() || sequences.size() <= 1) {
      return sequences.isEmpty() ? new float[0]
          : forward(Batch.leftPadded(sequences, eosToken()));
    }
    int size = sequences.get(0).length() * vocabularySize();
    float[] out = new float[sequences.size() * size];
    for (int i = 0; i < sequences.size(); i++) {
      float[] one = forward(Batch.leftPadded(List.of(sequences.get(i)), eosToken()));
      System.arraycopy(one, 0, out, i * size, size);
    }
    return out;
  }

  private void checkPrompt(Problems problems, String field, TokenSequence prompt) {
    problems.check(!prompt.isEmpty(), field + ".prompt", prompt,
        "at least one token (GPT-2 has no implicit start token)")
        .check(prompt.maxToken() < vocabularySize(), field + ".prompt", prompt,
            "token ids in [0, " + vocabularySize() + ")");
  }

  private static double logSoftmax(float[] logits, int offset, int v, int token) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < v; i++) {
      max = Math.max(max, logits[offset + i]);
    }
    double sum = 0;
    for (int i = 0; i < v; i++) {
      sum += Math.exp(logits[offset + i] - max);
    }
    return logits[offset + token] - max - Math.log(sum);
  }

  private void refreshWeights() {
    if (source == null) {
      return;
    }
    Map<String, FloatBuffer> targets = new LinkedHashMap<>();
    weightBuffers.forEach((name, buffer) -> targets.put(name, buffer.clear()));
    source.copyTo(Collections.unmodifiableMap(targets));
    for (Map.Entry<String, FloatBuffer> entry : weightBuffers.entrySet()) {
      FloatBuffer buffer = entry.getValue();
      if (buffer.position() != buffer.capacity()) {
        throw new BondException("The weight source wrote " + buffer.position() + " of the "
            + buffer.capacity() + " values of " + entry.getKey());
      }
      buffer.rewind();
    }
  }

  /** A full forward pass with an empty past; returns all logits {@code [B, width, V]}. */
  private float[] forward(Batch batch) {
    try (Step step = new Step(batch, 0, batch.width, null)) {
      return step.logits();
    }
  }

  /** Token ids, mask and positions of a left-padded batch, row-major with room to grow. */
  private static final class Batch {
    final int size;
    final int width;
    final int capacity;
    final long[] ids;
    final long[] mask;
    final long[] positions;
    final int[] pads;

    private Batch(int size, int width, int capacity) {
      this.size = size;
      this.width = width;
      this.capacity = capacity;
      this.ids = new long[size * capacity];
      this.mask = new long[size * capacity];
      this.positions = new long[size * capacity];
      this.pads = new int[size];
    }

    /** The sampler's prompts with room for every slot it may fill. */
    static Batch of(PromptBatch prompts) {
      Batch batch = new Batch(prompts.batch(), prompts.promptSlots(), prompts.slots());
      int width = prompts.promptSlots();
      for (int b = 0; b < batch.size; b++) {
        batch.pads[b] = prompts.pads()[b];
        for (int t = 0; t < batch.capacity; t++) {
          int at = b * batch.capacity + t;
          batch.ids[at] = t < width ? prompts.tokens()[b * width + t] : 0;
          batch.mask[at] = t < prompts.pads()[b] ? 0 : 1;
          batch.positions[at] = t < width ? prompts.positions()[b * width + t] : 0;
        }
      }
      return batch;
    }


    /** Left-padded rows of a full forward pass. */
    static Batch leftPadded(List<TokenSequence> rows, int padId) {
      int width = rows.stream().mapToInt(TokenSequence::length).max().orElse(0);
      Batch batch = new Batch(rows.size(), width, width);
      for (int b = 0; b < rows.size(); b++) {
        TokenSequence row = rows.get(b);
        int pad = width - row.length();
        batch.pads[b] = pad;
        for (int t = 0; t < width; t++) {
          int at = b * batch.capacity + t;
          batch.ids[at] = t < pad ? padId : row.get(t - pad);
          batch.mask[at] = t < pad ? 0 : 1;
          batch.positions[at] = Math.max(0, t - pad);
        }
      }
      return batch;
    }

    int pad(int row) {
      return pads[row];
    }
  }

  /** One ONNX Runtime call over columns {@code [from, to)} of a batch. */
  private final class Step implements AutoCloseable {
    private final List<OnnxTensor> owned = new ArrayList<>();
    private final OrtSession.Result result;
    private final int columns;
    private final int size;

    /**
     * @param past the previous step's result holding {@code present.*}, or null for an empty past
     */
    Step(Batch batch, int from, int to, OrtSession.Result past) {
      this.columns = to - from;
      this.size = batch.size;
      Map<String, OnnxTensor> inputs = new HashMap<>(tensors == null ? weightTensors
          : tensors.get());
      try {
        inputs.put(DecoderSignature.INPUT_IDS, own(columns(batch.ids, batch, from, to)));
        if (signature.hasMask) {
          inputs.put(DecoderSignature.ATTENTION_MASK, own(columns(batch.mask, batch, 0, to)));
        }
        if (signature.hasPositions) {
          inputs.put(DecoderSignature.POSITION_IDS,
              own(columns(batch.positions, batch, from, to)));
        }
        if (signature.merged) {
          inputs.put(DecoderSignature.USE_CACHE_BRANCH,
              own(OnnxTensor.createTensor(environment, new boolean[] {past != null})));
        }
        if (signature.cached()) {
          OnnxTensor empty = past == null ? own(OnnxTensor.createTensor(environment,
              FloatBuffer.allocate(0), new long[] {batch.size, signature.heads, 0,
                  signature.headSize})) : null;
          for (int layer = 0; layer < signature.layers; layer++) {
            for (boolean key : new boolean[] {true, false}) {
              inputs.put(DecoderSignature.pastName(layer, key), past == null ? empty
                  : (OnnxTensor) past.get(DecoderSignature.presentName(layer, key)).get());
            }
          }
        }
        this.result = OrtObjects.result(session.run(inputs));
      } catch (OrtException | RuntimeException e) {
        close();
        throw NativeEngineException.failed("ONNX Runtime", "running the decoder " + file
            + " on a batch of " + batch.size, e);
      }
    }

    private OnnxTensor columns(long[] data, Batch batch, int from, int to)
        throws OrtException {
      LongBuffer buffer = ByteBuffer.allocateDirect(batch.size * (to - from) * 8)
          .order(ByteOrder.nativeOrder()).asLongBuffer();
      for (int b = 0; b < batch.size; b++) {
        buffer.put(data, b * batch.capacity + from, to - from);
      }
      buffer.rewind();
      return OnnxTensor.createTensor(environment, buffer, new long[] {batch.size, to - from});
    }

    private OnnxTensor own(OnnxTensor tensor) {
      owned.add(OrtObjects.value(tensor));
      return tensor;
    }

    /** All logits {@code [B, columns, V]}. */
    float[] logits() {
      OnnxValue value = result.get(DecoderSignature.LOGITS).orElseThrow();
      long[] shape = ((OnnxTensor) value).getInfo().getShape();
      if (shape.length != 3 || shape[0] != size || shape[1] != columns
          || shape[2] != vocabularySize()) {
        throw new BondException("The decoder " + file + " returned logits of shape "
            + Arrays.toString(shape) + ", expected [" + size + ", " + columns + ", "
            + vocabularySize() + "]");
      }
      FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
      float[] out = new float[buffer.remaining()];
      buffer.get(out);
      return out;
    }

    OrtSession.Result result() {
      return result;
    }

    @Override
    public void close() {
      if (result != null) {
        result.close();
      }
      owned.forEach(OnnxTensor::close);
    }
  }

  /**
   * ONNX Runtime's side of one sampling call for the shared {@link SamplingLoop}: the left-padded
   * batch with room to grow, and the previous call's result, whose {@code present.*} outputs feed
   * the next call's past (or, for a decoder without a cache, the whole prefix again).
   */
  private final class Session implements DecodingSession {
    private final double temperature;
    private Batch batch;
    private Step previous;

    Session(double temperature) {
      this.temperature = temperature;
    }

    @Override
    public float[] prefill(PromptBatch prompts) {
      batch = Batch.of(prompts);
      previous = new Step(batch, 0, batch.width, null);
      return Softmax.rows(previous.logits(), batch.size, vocabularySize(), batch.width,
          batch.width - 1, temperature);
    }

    @Override
    public float[] step(int[] tokens, int[] positions, int slot) {
      for (int row = 0; row < batch.size; row++) {
        batch.ids[row * batch.capacity + slot] = tokens[row];
        batch.positions[row * batch.capacity + slot] = positions[row];
      }
      int from = signature.cached() ? slot : 0;
      Step next = new Step(batch, from, slot + 1, signature.cached() ? previous.result() : null);
      previous.close();
      previous = next;
      int columns = slot + 1 - from;
      return Softmax.rows(previous.logits(), batch.size, vocabularySize(), columns, columns - 1,
          temperature);
    }

    @Override
    public void close() {
      if (previous != null) {
        previous.close();
      }
    }
  }

  @Override
  public void close() {
    weightTensors.values().forEach(OnnxTensor::close);
    weightTensors.clear();
    if (session != null) {
      try {
        OrtObjects.close(session);
      } catch (OrtException e) {
        throw NativeEngineException.cannotClose("the ONNX Runtime session of " + file, e);
      }
    }
  }
}
