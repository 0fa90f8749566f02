package dev.bond4j.dl4j;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.models.Gpt2Config;
import dev.bond4j.models.TokenChooser;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a trainable GPT-2 policy and its frozen snapshots share: sampling, sequence
 * log-probabilities and logits over one {@link Dl4jParameters} and its {@link Gpt2Graph}. Every
 * array a call creates (inputs and outputs of the graph) is closed before the call returns, so
 * native memory does not wait for Java's garbage collector. Not thread-safe: one call at a time.
 */
final class Gpt2Model implements AutoCloseable {
  final Dl4jParameters parameters;
  final Gpt2Graph graph;
  final Gpt2Config config;

  Gpt2Model(Dl4jParameters parameters) {
    this.parameters = parameters;
    this.graph = Gpt2Graph.of(parameters);
    this.config = parameters.config;
  }

  /**
   * Batched sampling. Each step runs the graph over the active rows' whole left-padded sequences
   * (no key-value cache: SameDiff's per-operation overhead makes a graph per decoding step no
   * faster here); prompts of different lengths are left-padded.
   */
  List<Completion> sample(List<Prompt> prompts, SamplingSettings settings, long seed) {
    Problems problems = Problems.of("prompts for a GPT-2 policy");
    for (int i = 0; i < prompts.size(); i++) {
      TokenSequence tokens = prompts.get(i).tokens();
      PackedSequences.checkPrompt(problems, "prompts[" + i + "]", tokens, config);
      problems.check(tokens.length() < config.maxPositions(), "prompts[" + i + "].length",
          tokens.length(), "fewer than the context of " + config.maxPositions()
              + " tokens, leaving room to generate");
    }
    problems.throwIfAny();
    if (prompts.isEmpty()) {
      return List.of();
    }
    return new Run(prompts, settings, seed).generate();
  }

  /** {@code log π(y|x)} per sequence at temperature 1, without gradient. */
  double[] logProbs(List<? extends PromptedSequence> sequences) {
    PackedSequences packed = PackedSequences.of(sequences, config);
    double[] out = new double[sequences.size()];
    if (packed.tokenCount() == 0) {
      return out;
    }
    float[] perPosition = run(inputs(packed, new float[packed.batch * packed.length]),
        Gpt2Graph.TARGET_LOG_PROBS).get(Gpt2Graph.TARGET_LOG_PROBS);
    for (int n = 0; n < packed.tokenCount(); n++) {
      out[packed.rowOf[n]] += perPosition[packed.predictingPosition[n]];
    }
    return out;
  }

  /**
   * Full-sequence logits of equal-length token sequences, {@code [B * T * V]} row-major: for parity
   * checks against other implementations of the same checkpoint.
   */
  float[] logits(List<TokenSequence> sequences) {
    Problems problems = Problems.of("sequences for logits");
    int length = sequences.isEmpty() ? 0 : sequences.get(0).length();
    for (int i = 0; i < sequences.size(); i++) {
      TokenSequence tokens = sequences.get(i);
      problems.check(tokens.length() == length && length >= 1, "sequences[" + i + "].length",
          tokens.length(), "the common length " + length + " >= 1");
      problems.check(length <= config.maxPositions(), "sequences[" + i + "].length", length,
          "at most the context of " + config.maxPositions());
      PackedSequences.checkTokens(problems, "sequences[" + i + "]", tokens, config);
    }
    problems.check(!sequences.isEmpty(), "sequences", 0, "at least one sequence");
    problems.throwIfAny();
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
    return run(inputs, Gpt2Graph.LOGITS).get(Gpt2Graph.LOGITS);
  }

  /** The graph inputs of a packed batch: right padding under the causal mask. */
  Inputs inputs(PackedSequences packed, float[] weights) {
    return new Inputs(packed.batch, packed.length, packed.tokens, packed.positions(),
        causalMask(packed.length), 1, packed.targets, weights);
  }

  /** Additive causal mask {@code [T, T]}: a position sees itself and earlier ones. */
  static float[] causalMask(int length) {
    float[] mask = new float[length * length];
    for (int q = 0; q < length; q++) {
      Arrays.fill(mask, q * length + q + 1, (q + 1) * length, Gpt2Graph.MASKED);
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
      arrays.put(Gpt2Graph.TOKENS, Nd4j.create(tokens, rows, DataType.INT));
      arrays.put(Gpt2Graph.POSITIONS, Nd4j.create(positions, rows, DataType.INT));
      arrays.put(Gpt2Graph.MASK,
          Nd4j.create(mask, new long[] {maskRows, 1, length, length}, DataType.FLOAT));
      arrays.put(Gpt2Graph.TARGETS, Nd4j.createFromArray(targets));
      arrays.put(Gpt2Graph.WEIGHTS, Nd4j.createFromArray(weights));
      return arrays;
    }
  }

  /** Runs the graph forward and copies the requested outputs to Java, closing every array. */
  Map<String, float[]> run(Inputs inputs, String... outputs) {
    Map<String, INDArray> placeholders = inputs.arrays();
    Map<String, INDArray> results = null;
    try {
      results = graph.sameDiff.output(placeholders, outputs);
      Map<String, float[]> out = new LinkedHashMap<>();
      for (String name : outputs) {
        out.put(name, Arrays2.values(results.get(name)));
      }
      return out;
    } catch (RuntimeException e) {
      throw new BondException("ND4J failed in a forward pass: " + e.getMessage(), e);
    } finally {
      Arrays2.closeAll(placeholders);
      if (results != null) {
        Arrays2.closeAll(results);
      }
    }
  }

  @Override
  public void close() {
    parameters.close();
  }

  /** One sampling call: the growing left-padded batch and its completions. */
  private final class Run {
    private final List<Prompt> prompts;
    private final SamplingSettings settings;
    private final SplittableRandom random;
    private final int batch;
    private final int[] limit;
    private final int[][] tokens;
    private final double[][] tokenLogProbs;
    private final int[] generated;
    private final boolean[] done;

    Run(List<Prompt> prompts, SamplingSettings settings, long seed) {
      this.prompts = prompts;
      this.settings = settings;
      this.random = new SplittableRandom(seed);
      this.batch = prompts.size();
      this.limit = new int[batch];
      this.tokens = new int[batch][];
      this.tokenLogProbs = new double[batch][];
      this.generated = new int[batch];
      this.done = new boolean[batch];
      for (int i = 0; i < batch; i++) {
        limit[i] = Math.min(settings.maxNewTokens(),
            config.maxPositions() - prompts.get(i).tokens().length());
        tokens[i] = new int[limit[i]];
        tokenLogProbs[i] = new double[limit[i]];
      }
    }

    List<Completion> generate() {
      TokenChooser chooser = new TokenChooser(settings, config.vocabularySize());
      int vocabulary = config.vocabularySize();
      int[] active = new int[batch];
      int count = batch;
      for (int i = 0; i < batch; i++) {
        active[i] = i;
      }
      while (count > 0) {
        float[] probabilities = nextTokenProbabilities(Arrays.copyOf(active, count));
        int stillActive = 0;
        for (int r = 0; r < count; r++) {
          int i = active[r];
          TokenChooser.Choice choice = chooser.choose(probabilities, r * vocabulary, random);
          tokens[i][generated[i]] = choice.token();
          tokenLogProbs[i][generated[i]] = choice.logProb();
          generated[i]++;
          done[i] = choice.token() == config.eosToken() || generated[i] == limit[i];
          if (!done[i]) {
            active[stillActive++] = i;
          }
        }
        count = stillActive;
      }
      List<Completion> out = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        int n = generated[i];
        out.add(Completion.builder().prompt(prompts.get(i))
            .completion(TokenSequence.of(Arrays.copyOf(tokens[i], n)))
            .tokenLogProbs(Arrays.copyOf(tokenLogProbs[i], n))
            .endedWithEos(tokens[i][n - 1] == config.eosToken())
            .build());
      }
      return out;
    }

    /**
     * Next-token probabilities {@code [rows · V]} at the sampling temperature for the given rows,
     * each a prompt plus what it has generated so far, left-padded to a common length.
     */
    private float[] nextTokenProbabilities(int[] rows) {
      int n = rows.length;
      int length = 0;
      for (int i : rows) {
        length = Math.max(length, prompts.get(i).tokens().length() + generated[i]);
      }
      int[] ids = new int[n * length];
      int[] positions = new int[n * length];
      float[] mask = new float[n * length * length];
      for (int r = 0; r < n; r++) {
        int i = rows[r];
        TokenSequence prompt = prompts.get(i).tokens();
        int real = prompt.length() + generated[i];
        int pad = length - real;
        for (int t = 0; t < length; t++) {
          int at = t - pad;
          ids[r * length + t] = at < 0 ? config.eosToken()
              : at < prompt.length() ? prompt.get(at) : tokens[i][at - prompt.length()];
          positions[r * length + t] = Math.max(0, at);
          for (int k = 0; k < length; k++) {
            boolean visible = k <= t && (k >= pad || k == t);
            mask[(r * length + t) * length + k] = visible ? 0f : Gpt2Graph.MASKED;
          }
        }
      }
      Inputs inputs = new Inputs(n, length, ids, positions, mask, n, new int[n * length],
          new float[n * length]);
      float[] logits = run(inputs, Gpt2Graph.LOGITS).get(Gpt2Graph.LOGITS);
      int vocabulary = config.vocabularySize();
      float[] probabilities = new float[n * vocabulary];
      double inverseTemperature = 1 / settings.temperature();
      for (int r = 0; r < n; r++) {
        int from = (r * length + length - 1) * vocabulary;
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocabulary; v++) {
          max = Math.max(max, logits[from + v]);
        }
        double total = 0;
        for (int v = 0; v < vocabulary; v++) {
          total += Math.exp((logits[from + v] - max) * inverseTemperature);
        }
        for (int v = 0; v < vocabulary; v++) {
          probabilities[r * vocabulary + v] =
              (float) (Math.exp((logits[from + v] - max) * inverseTemperature) / total);
        }
      }
      return probabilities;
    }
  }
}
