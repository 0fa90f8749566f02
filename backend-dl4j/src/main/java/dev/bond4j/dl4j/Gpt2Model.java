package dev.bond4j.dl4j;

import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;
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
import java.util.function.Consumer;
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
   * Batched sampling with a key-value cache: the graph runs the left-padded prompts once and fills
   * the cache, then {@link Gpt2Decoder} feeds one token per row and step.
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
      arrays.put(Gpt2Graph.TOKENS, Nd4j.create(tokens, rows, DataType.INT32));
      arrays.put(Gpt2Graph.POSITIONS, Nd4j.create(positions, rows, DataType.INT32));
      arrays.put(Gpt2Graph.MASK,
          Nd4j.create(mask, new long[] {maskRows, 1, length, length}, DataType.FLOAT));
      arrays.put(Gpt2Graph.TARGETS, Nd4j.createFromArray(targets));
      arrays.put(Gpt2Graph.WEIGHTS, Nd4j.createFromArray(weights));
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
      graph.freeIntermediatesEagerly();
      results = graph.sameDiff.output(placeholders, outputs);
      use.accept(results);
    } catch (BondException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new NativeEngineException("ND4J failed in a forward pass: " + e.getMessage(), e);
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
    parameters.close();
  }

  /** One sampling call: the left-padded batch, its key-value cache and the completions. */
  private final class Run {
    private final List<Prompt> prompts;
    private final SamplingSettings settings;
    private final SplittableRandom random;
    private final int batch;
    private final int promptSlots;
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
      this.promptSlots = prompts.stream().mapToInt(p -> p.tokens().length()).max().orElse(0);
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
      int maxNew = Arrays.stream(limit).max().orElse(0);
      int slots = promptSlots + maxNew;
      int vocabulary = config.vocabularySize();
      TokenChooser chooser = new TokenChooser(settings, vocabulary);
      Gpt2Decoder decoder = new Gpt2Decoder(parameters);
      float[] mask = initialKeyMask(slots);
      try (KvCache cache = new KvCache(config, batch, slots);
          INDArray keyMask = Nd4j.create(mask, new long[] {batch, 1, 1, slots},
              DataType.FLOAT)) {
        float[] probabilities = probabilities(prefill(cache), promptSlots - 1, promptSlots);
        int[] next = new int[batch];
        int[] positions = new int[batch];
        for (int step = 0; ; step++) {
          boolean active = false;
          for (int i = 0; i < batch; i++) {
            next[i] = config.eosToken();
            if (done[i]) {
              continue;
            }
            TokenChooser.Choice choice = chooser.choose(probabilities, i * vocabulary, random);
            tokens[i][generated[i]] = choice.token();
            tokenLogProbs[i][generated[i]] = choice.logProb();
            generated[i]++;
            done[i] = choice.token() == config.eosToken() || generated[i] == limit[i];
            active |= !done[i];
            next[i] = choice.token();
            positions[i] = prompts.get(i).tokens().length() + step;
          }
          if (!active) {
            break;
          }
          int slot = promptSlots + step;
          for (int i = 0; i < batch; i++) {
            keyMask.putScalar(new long[] {i, 0, 0, slot}, 0f);
          }
          float[] logits = decoder.step(next, positions, keyMask, cache, slot);
          probabilities = probabilities(logits, 0, 1);
        }
      } catch (BondException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new NativeEngineException("ND4J failed while sampling: " + e.getMessage(), e);
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
     * Runs the left-padded prompts through the graph, fills cache slots {@code [0, promptSlots)}
     * and returns the logits {@code [B · promptSlots · V]}.
     */
    private float[] prefill(KvCache cache) {
      int[] ids = new int[batch * promptSlots];
      int[] positions = new int[batch * promptSlots];
      float[] mask = new float[batch * promptSlots * promptSlots];
      for (int i = 0; i < batch; i++) {
        TokenSequence prompt = prompts.get(i).tokens();
        int pad = promptSlots - prompt.length();
        for (int t = 0; t < promptSlots; t++) {
          ids[i * promptSlots + t] = t < pad ? config.eosToken() : prompt.get(t - pad);
          positions[i * promptSlots + t] = Math.max(0, t - pad);
          for (int k = 0; k < promptSlots; k++) {
            boolean visible = k <= t && (k >= pad || k == t);
            mask[(i * promptSlots + t) * promptSlots + k] = visible ? 0f : Gpt2Graph.MASKED;
          }
        }
      }
      Inputs inputs = new Inputs(batch, promptSlots, ids, positions, mask, batch,
          new int[batch * promptSlots], new float[batch * promptSlots]);
      String[] outputs = new String[1 + 2 * config.layers()];
      outputs[0] = Gpt2Graph.LOGITS;
      for (int layer = 0; layer < config.layers(); layer++) {
        outputs[1 + 2 * layer] = Gpt2Graph.KEYS + layer;
        outputs[2 + 2 * layer] = Gpt2Graph.VALUES + layer;
      }
      float[][] logits = new float[1][];
      forward(inputs, outputs, results -> {
        for (int layer = 0; layer < config.layers(); layer++) {
          cache.write(layer, 0, results.get(Gpt2Graph.KEYS + layer),
              results.get(Gpt2Graph.VALUES + layer));
        }
        logits[0] = NdArrays.values(results.get(Gpt2Graph.LOGITS));
      });
      return logits[0];
    }

    /**
     * Softmax at the sampling temperature of each row's logits at position {@code at} of
     * {@code length}, {@code [B · V]}, in double precision.
     */
    private float[] probabilities(float[] logits, int at, int length) {
      int vocabulary = config.vocabularySize();
      float[] probabilities = new float[batch * vocabulary];
      double inverseTemperature = 1 / settings.temperature();
      for (int r = 0; r < batch; r++) {
        int from = (r * length + at) * vocabulary;
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

    /** Per row, 0 for real prompt slots and masked for left padding and slots not generated. */
    private float[] initialKeyMask(int slots) {
      float[] mask = new float[batch * slots];
      Arrays.fill(mask, Gpt2Graph.MASKED);
      for (int i = 0; i < batch; i++) {
        int pad = promptSlots - prompts.get(i).tokens().length();
        Arrays.fill(mask, i * slots + pad, i * slots + promptSlots, 0f);
      }
      return mask;
    }
  }
}
