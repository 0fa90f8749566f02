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
import dev.bond4j.models.TokenChooser;
import dev.bond4j.onnx.export.Gpt2OnnxExport;
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

/**
 * A GPT-2-family decoder run by ONNX Runtime, in the HuggingFace-optimum convention (see {@link
 * DecoderSignature}): the frozen reference policy, a served (distilled) policy, or, with weights as
 * graph inputs, a policy that follows another's weights on every call, such as the EMA anchor of a
 * run trained by another backend.
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
  private final OnnxOptions options;
  private final WeightSource source;
  private final Map<String, FloatBuffer> weightBuffers = new LinkedHashMap<>();
  private final Map<String, OnnxTensor> weightTensors = new LinkedHashMap<>();

  private OnnxPolicy(Path directory, WeightSource source, OnnxOptions options) {
    this.file = directory.resolve(Gpt2OnnxExport.MODEL_FILE);
    this.config = DecoderConfig.read(directory);
    this.options = options;
    this.source = source;
    this.environment = OnnxSessions.environment();
    this.session = OnnxSessions.open(file, options, "decoder model");
    try {
      this.signature = DecoderSignature.of(session, file);
      checkFits();
      for (Map.Entry<String, long[]> weight : signature.weights.entrySet()) {
        long count = Arrays.stream(weight.getValue()).reduce(1, Math::multiplyExact);
        FloatBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(count * 4))
            .order(ByteOrder.nativeOrder()).asFloatBuffer();
        weightBuffers.put(weight.getKey(), buffer);
        weightTensors.put(weight.getKey(),
            OnnxTensor.createTensor(environment, buffer, weight.getValue()));
      }
    } catch (OrtException | RuntimeException e) {
      close();
      throw e instanceof BondException b ? b
          : new BondException("Cannot prepare the decoder " + file + ": " + e, e);
    }
  }

  /**
   * Opens a decoder with its weights stored in the model: a folder holding {@code model.onnx} and
   * its HuggingFace {@code config.json} (as {@link Gpt2OnnxExport} writes them). A GPT-2 config is
   * fully validated; for other model types (Llama and the like) {@code vocab_size}, {@code
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
   * Opens a decoder exported with weights as graph inputs ({@link Gpt2OnnxExport.Weights#INPUTS})
   * that reads them from {@code source} before every {@link #sample} and {@link #logProbs}.
   */
  public static OnnxPolicy following(Path directory, WeightSource source, OnnxOptions options) {
    return new OnnxPolicy(directory, Objects.requireNonNull(source, "source"), options);
  }

  private void checkFits() {
    List<String> problems = new ArrayList<>();
    if (signature.vocabulary >= 0 && signature.vocabulary != config.vocabularySize()) {
      problems.add("its logits have " + signature.vocabulary + " entries, the config's vocab_size is "
          + config.vocabularySize());
    }
    if (signature.cached() && (mismatch(signature.layers, config.layers())
        || mismatch(signature.heads, config.heads())
        || mismatch(signature.headSize, config.headSize()))) {
      problems.add("its cache has " + signature.layers + " layers of " + signature.heads
          + " heads of size " + signature.headSize + ", the config says " + config.layers()
          + " layers of " + config.heads() + " heads of size " + config.headSize());
    }
    if (source == null && !signature.weights.isEmpty()) {
      problems.add("it takes weights as inputs " + signature.weights.keySet()
          + "; open it with OnnxPolicy.following");
    }
    if (source != null && signature.weights.isEmpty()) {
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
    return config.maxSequenceLength();
  }

  /** The options the session was opened with. */
  public OnnxOptions options() {
    return options;
  }

  @Override
  public List<Completion> sample(List<Prompt> prompts, SamplingSettings settings, long seed) {
    Problems problems = Problems.of("prompts for an ONNX policy");
    for (int i = 0; i < prompts.size(); i++) {
      TokenSequence tokens = prompts.get(i).tokens();
      checkPrompt(problems, "prompts[" + i + "]", tokens);
      problems.check(tokens.length() < maxSequenceLength(), "prompts[" + i + "].length",
          tokens.length(), "fewer than the context of " + maxSequenceLength() + " tokens");
    }
    problems.throwIfAny();
    refreshWeights();
    SplittableRandom random = new SplittableRandom(seed);
    TokenChooser chooser = new TokenChooser(settings, vocabularySize());
    List<Completion> out = new ArrayList<>(prompts.size());
    int chunk = signature.padsBatches() ? options.maxBatch() : 1;
    for (int from = 0; from < prompts.size(); from += chunk) {
      List<Prompt> part = prompts.subList(from, Math.min(prompts.size(), from + chunk));
      out.addAll(new Generation(part, settings, chooser, random).run());
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

    static Batch leftPadded(List<TokenSequence> rows, int padId) {
      return withRoom(rows, padId, 0, Integer.MAX_VALUE);
    }

    /**
     * Left-padded rows with room for {@code extra} more tokens each. Positions stop at {@code
     * positionLimit - 1}: a row that reached the context is finished, and the tokens it is still
     * fed (while longer rows go on) are ignored.
     */
    static Batch withRoom(List<TokenSequence> rows, int padId, int extra, int positionLimit) {
      int width = rows.stream().mapToInt(TokenSequence::length).max().orElse(0);
      Batch batch = new Batch(rows.size(), width, width + extra);
      for (int b = 0; b < rows.size(); b++) {
        TokenSequence row = rows.get(b);
        int pad = width - row.length();
        batch.pads[b] = pad;
        for (int t = 0; t < width + extra; t++) {
          int at = b * batch.capacity + t;
          batch.ids[at] = t < pad ? padId : t < width ? row.get(t - pad) : padId;
          batch.mask[at] = t < pad ? 0 : 1;
          batch.positions[at] = Math.min(Math.max(0, t - pad), positionLimit - 1);
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
      Map<String, OnnxTensor> inputs = new HashMap<>(weightTensors);
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
        this.result = session.run(inputs);
      } catch (OrtException | RuntimeException e) {
        close();
        throw new NativeEngineException("ONNX Runtime failed to run the decoder " + file
            + " on a batch of " + batch.size + ": " + e.getMessage(), e);
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
      owned.add(tensor);
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

  /** One sampling run over a chunk of prompts: the left-padded batch and the growing rows. */
  private final class Generation {
    private final List<Prompt> prompts;
    private final TokenChooser chooser;
    private final SplittableRandom random;
    private final int[] limit;
    private final int[][] tokens;
    private final double[][] tokenLogProbs;
    private final int[] generated;
    private final boolean[] done;
    private final Batch batch;
    private final double inverseTemperature;

    Generation(List<Prompt> prompts, SamplingSettings settings, TokenChooser chooser,
        SplittableRandom random) {
      this.prompts = prompts;
      this.inverseTemperature = 1 / settings.temperature();
      this.chooser = chooser;
      this.random = random;
      int n = prompts.size();
      this.limit = new int[n];
      this.tokens = new int[n][];
      this.tokenLogProbs = new double[n][];
      this.generated = new int[n];
      this.done = new boolean[n];
      int maxNew = 0;
      for (int i = 0; i < n; i++) {
        limit[i] = Math.min(settings.maxNewTokens(),
            maxSequenceLength() - prompts.get(i).tokens().length());
        tokens[i] = new int[limit[i]];
        tokenLogProbs[i] = new double[limit[i]];
        maxNew = Math.max(maxNew, limit[i]);
      }
      this.batch = Batch.withRoom(prompts.stream().map(Prompt::tokens).toList(), eosToken(),
          maxNew, maxSequenceLength());
    }

    /** Unnormalised {@code exp((logit - max) / T)} of one row; the chooser normalises. */
    private void toProbabilities(float[] logits, int offset, int v, float[] out) {
      float max = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < v; i++) {
        max = Math.max(max, logits[offset + i]);
      }
      for (int i = 0; i < v; i++) {
        out[i] = (float) Math.exp((logits[offset + i] - max) * inverseTemperature);
      }
    }

    List<Completion> run() {
      int v = vocabularySize();
      float[] probabilities = new float[v];
      Step previous = new Step(batch, 0, batch.width, null);
      try {
        float[] logits = previous.logits();
        int columns = batch.width;
        for (int length = batch.width; ; length++) {
          boolean active = false;
          for (int i = 0; i < prompts.size(); i++) {
            if (done[i]) {
              continue;
            }
            int row = (i * columns + columns - 1) * v;
            toProbabilities(logits, row, v, probabilities);
            TokenChooser.Choice choice = chooser.choose(probabilities, 0, random);
            tokens[i][generated[i]] = choice.token();
            tokenLogProbs[i][generated[i]] = choice.logProb();
            generated[i]++;
            done[i] = choice.token() == eosToken() || generated[i] == limit[i];
            active |= !done[i];
            batch.ids[i * batch.capacity + length] = choice.token();
          }
          if (!active) {
            break;
          }
          int from = signature.cached() ? length : 0;
          Step next = new Step(batch, from, length + 1, signature.cached()
              ? previous.result() : null);
          previous.close();
          previous = next;
          columns = length + 1 - from;
          logits = previous.logits();
        }
      } finally {
        previous.close();
      }
      List<Completion> out = new ArrayList<>(prompts.size());
      for (int i = 0; i < prompts.size(); i++) {
        int n = generated[i];
        out.add(Completion.builder().prompt(prompts.get(i))
            .completion(TokenSequence.of(Arrays.copyOf(tokens[i], n)))
            .tokenLogProbs(Arrays.copyOf(tokenLogProbs[i], n))
            .endedWithEos(tokens[i][n - 1] == eosToken())
            .build());
      }
      return out;
    }
  }

  @Override
  public void close() {
    weightTensors.values().forEach(OnnxTensor::close);
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        throw new NativeEngineException("Cannot close the ONNX Runtime session of " + file, e);
      }
    }
  }
}
