package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
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
import java.util.List;
import java.util.SplittableRandom;

/**
 * What a trainable GPT-2 policy and its frozen snapshots share: batched KV-cache sampling and
 * sequence log-probabilities over one set of {@link Gpt2Parameters}. Every call runs in its own
 * {@code NDScope}, so no native memory outlives it. Not thread-safe: one call at a time.
 */
final class Gpt2Model implements AutoCloseable {
  final Gpt2Parameters parameters;
  final Gpt2Forward forward;
  final Gpt2Config config;

  Gpt2Model(Gpt2Parameters parameters) {
    this.parameters = parameters;
    this.forward = new Gpt2Forward(parameters);
    this.config = parameters.config;
  }

  NDManager manager() {
    return parameters.manager;
  }

  /** Batched sampling with a KV cache; prompts of different lengths are left-padded. */
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
    JniUtils.setGradMode(false);
    try (NDScope scope = new NDScope()) {
      return new Run(prompts, settings, seed).generate();
    } catch (ai.djl.engine.EngineException e) {
      throw new NativeEngineException("The PyTorch engine failed while sampling: " + e.getMessage(), e);
    }
  }

  /** {@code log π(y|x)} per sequence at temperature 1, without gradient. */
  double[] logProbs(List<? extends PromptedSequence> sequences) {
    PackedSequences packed = PackedSequences.of(sequences, config);
    double[] out = new double[sequences.size()];
    if (packed.tokenCount() == 0) {
      return out;
    }
    JniUtils.setGradMode(false);
    try (NDScope scope = new NDScope()) {
      float[] tokenLogProbs = tokenLogProbs(packed).toFloatArray();
      for (int n = 0; n < tokenLogProbs.length; n++) {
        out[packed.rowOf[n]] += tokenLogProbs[n];
      }
      return out;
    } catch (ai.djl.engine.EngineException e) {
      throw new NativeEngineException("The PyTorch engine failed while scoring: " + e.getMessage(), e);
    }
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
    long[] ids = new long[sequences.size() * length];
    for (int i = 0; i < sequences.size(); i++) {
      for (int t = 0; t < length; t++) {
        ids[i * length + t] = sequences.get(i).get(t);
      }
    }
    JniUtils.setGradMode(false);
    NDManager manager = manager();
    try (NDScope scope = new NDScope()) {
      NDArray hidden = forward.sequences(
          manager.create(ids, new Shape(sequences.size(), length)),
          Gpt2Forward.positions(manager, length), Gpt2Forward.causalMask(manager, length), null);
      return forward.logits(hidden).toFloatArray();
    }
  }

  /**
   * Log-probabilities {@code [N]} of every completion token of a packed batch, with gradient when
   * grad mode is on. Only the positions that predict completion tokens reach the head.
   */
  NDArray tokenLogProbs(PackedSequences packed) {
    NDManager manager = manager();
    NDArray hidden = forward.sequences(packed.tokens(manager),
        Gpt2Forward.positions(manager, packed.length),
        Gpt2Forward.causalMask(manager, packed.length), null);
    NDArray rows = hidden.reshape(-1, config.embeddingSize());
    NDArray selected = JniUtils.embedding((PtNDArray) manager.create(packed.predictingPosition),
        (PtNDArray) rows, false);
    NDArray logProbs = forward.logits(selected).logSoftmax(-1);
    NDArray targets = manager.create(packed.targets).reshape(-1, 1);
    return JniUtils.gather((PtNDArray) logProbs, (PtNDArray) targets, 1).reshape(-1);
  }

  @Override
  public void close() {
    parameters.close();
  }

  /**
   * One sampling call: the left-padded batch, its cache and the growing completions. When at most
   * half of the sequences still in the batch are unfinished, the finished ones are dropped from
   * the batch, the cache and the key mask, so that short completions stop costing compute.
   */
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
      NDManager manager = manager();
      KvCache cache = new KvCache(manager, config, batch, slots);
      Gpt2Decoder decoder = new Gpt2Decoder(parameters, forward);
      NDArray keyMask = manager.create(initialKeyMask(slots),
          new Shape((long) batch * config.heads(), 1, slots));
      float[] probabilities = prefill(cache, decoder);
      TokenChooser chooser = new TokenChooser(settings, config.vocabularySize());
      int[] rows = java.util.stream.IntStream.range(0, batch).toArray();
      for (int step = 0; ; step++) {
        int live = 0;
        for (int r = 0; r < rows.length; r++) {
          int i = rows[r];
          if (done[i]) {
            continue;
          }
          TokenChooser.Choice choice = chooser.choose(probabilities, r * config.vocabularySize(),
              random);
          tokens[i][generated[i]] = choice.token();
          tokenLogProbs[i][generated[i]] = choice.logProb();
          generated[i]++;
          done[i] = choice.token() == config.eosToken() || generated[i] == limit[i];
          live += done[i] ? 0 : 1;
        }
        if (live == 0) {
          break;
        }
        if (live <= rows.length / 2) {
          // Most sequences have ended: drop them from the batch, the cache and the mask.
          long[] kept = new long[live];
          int[] keptRows = new int[live];
          for (int r = 0, k = 0; r < rows.length; r++) {
            if (!done[rows[r]]) {
              kept[k] = r;
              keptRows[k++] = rows[r];
            }
          }
          NDArray index = manager.create(kept);
          cache = cache.select(config, index);
          keyMask = keyMask.reshape(rows.length, -1).get(index)
              .reshape((long) live * config.heads(), 1, slots);
          rows = keptRows;
        }
        long[] next = new long[rows.length];
        long[] positions = new long[rows.length];
        for (int r = 0; r < rows.length; r++) {
          int i = rows[r];
          next[r] = done[i] ? config.eosToken() : tokens[i][generated[i] - 1];
          positions[r] = Math.min(prompts.get(i).tokens().length() + step,
              config.maxPositions() - 1);
        }
        int slot = promptSlots + step;
        try (NDScope stepScope = new NDScope()) {
          JniUtils.slice((PtNDArray) keyMask, 2, slot, slot + 1, 1).muli(0f);
          NDArray hidden = decoder.step(manager.create(next), manager.create(positions), keyMask,
              cache, slot);
          probabilities = nextTokenProbabilities(decoder, hidden);
        }
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

    /** Runs the prompts through the model, fills the cache, returns next-token probabilities. */
    private float[] prefill(KvCache cache, Gpt2Decoder decoder) {
      NDManager manager = manager();
      long[] ids = new long[batch * promptSlots];
      long[] positions = new long[batch * promptSlots];
      float[] mask = new float[batch * promptSlots * promptSlots];
      for (int i = 0; i < batch; i++) {
        TokenSequence prompt = prompts.get(i).tokens();
        int pad = promptSlots - prompt.length();
        for (int t = 0; t < promptSlots; t++) {
          ids[i * promptSlots + t] = t < pad ? config.eosToken() : prompt.get(t - pad);
          positions[i * promptSlots + t] = Math.max(0, t - pad);
          for (int k = 0; k < promptSlots; k++) {
            boolean visible = k <= t && (k >= pad || k == t);
            mask[(i * promptSlots + t) * promptSlots + k] = visible ? 0f : Gpt2Forward.MASKED;
          }
        }
      }
      try (NDScope prefillScope = new NDScope()) {
        NDArray hidden = forward.sequences(manager.create(ids, new Shape(batch, promptSlots)),
            manager.create(positions, new Shape(batch, promptSlots)),
            manager.create(mask, new Shape(batch, 1, promptSlots, promptSlots)), cache);
        NDArray last = JniUtils.slice((PtNDArray) hidden, 1, promptSlots - 1, promptSlots, 1)
            .reshape(batch, config.embeddingSize());
        return nextTokenProbabilities(decoder, last);
      }
    }

    /** Softmax of the logits at the sampling temperature, {@code [B * V]}. */
    private float[] nextTokenProbabilities(Gpt2Decoder decoder, NDArray hidden) {
      NDArray logits = decoder.logits(hidden);
      if (settings.temperature() != 1.0) {
        logits = logits.div((float) settings.temperature());
      }
      return logits.softmax(-1).toFloatArray();
    }

    /**
     * Per sequence and head, 0 for real prompt slots and masked for left padding and for slots not
     * yet generated.
     */
    private float[] initialKeyMask(int slots) {
      int heads = config.heads();
      float[] mask = new float[batch * heads * slots];
      Arrays.fill(mask, Gpt2Forward.MASKED);
      for (int i = 0; i < batch; i++) {
        int pad = promptSlots - prompts.get(i).tokens().length();
        for (int h = 0; h < heads; h++) {
          Arrays.fill(mask, (i * heads + h) * slots + pad, (i * heads + h) * slots + promptSlots,
              0f);
        }
      }
      return mask;
    }
  }
}
