package dev.bond4j.decoder;

import dev.bond4j.Problems;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Batched sampling with a key-value cache, written once for every engine: prompts are checked and
 * left-padded, the engine's {@link DecodingSession} runs the forward passes, and this loop draws
 * each token with {@link TokenChooser} (temperature, top-k, top-p; SPEC S9) from one seeded
 * generator, stops a row at any of the config's EOS ids or its length limit, and, where the
 * session can, drops finished rows from the batch once at most half of the rows still in it are
 * unfinished, so that short completions stop costing compute. A seed gives the same tokens on
 * every engine whose probabilities agree.
 */
public final class SamplingLoop {
  private final DecoderConfig config;

  /** A loop for models of shape {@code config}. */
  public SamplingLoop(DecoderConfig config) {
    this.config = config;
  }

  /**
   * Samples one completion per prompt.
   *
   * @param random the generator; one {@code nextDouble} is drawn per token, row by row
   * @param open opens the engine's session for the sampling temperature
   * @throws dev.bond4j.InvalidArgumentException when a prompt is empty, has ids outside the
   *     vocabulary, or leaves no room to generate
   */
  public List<Completion> sample(List<Prompt> prompts, SamplingSettings settings,
      SplittableRandom random, Function<Double, DecodingSession> open) {
    checkPrompts(prompts);
    if (prompts.isEmpty()) {
      return List.of();
    }
    try (DecodingSession session = open.apply(settings.temperature())) {
      return new Run(prompts, settings, random).generate(session);
    }
  }

  /**
   * Checks that every prompt is non-empty, in the vocabulary and shorter than the context.
   *
   * @throws dev.bond4j.InvalidArgumentException listing every problem
   */
  public void checkPrompts(List<Prompt> prompts) {
    Problems problems = Problems.of("prompts for a " + config.modelType() + " policy");
    for (int i = 0; i < prompts.size(); i++) {
      TokenSequence tokens = prompts.get(i).tokens();
      PackedSequences.checkPrompt(problems, "prompts[" + i + "]", tokens, config);
      problems.check(tokens.length() < config.maxPositions(), "prompts[" + i + "].length",
          tokens.length(), "fewer than the context of " + config.maxPositions()
              + " tokens, leaving room to generate");
    }
    problems.throwIfAny();
  }

  /** One sampling call: the completions growing row by row. */
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

    Run(List<Prompt> prompts, SamplingSettings settings, SplittableRandom random) {
      this.prompts = prompts;
      this.settings = settings;
      this.random = random;
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

    List<Completion> generate(DecodingSession session) {
      int vocabulary = config.vocabularySize();
      float[] probabilities = session.prefill(promptBatch());
      TokenChooser chooser = new TokenChooser(settings, vocabulary);
      int[] rows = IntStream.range(0, batch).toArray();
      for (int step = 0; ; step++) {
        int live = 0;
        for (int r = 0; r < rows.length; r++) {
          int i = rows[r];
          if (done[i]) {
            continue;
          }
          TokenChooser.Choice choice = chooser.choose(probabilities, r * vocabulary, random);
          tokens[i][generated[i]] = choice.token();
          tokenLogProbs[i][generated[i]] = choice.logProb();
          generated[i]++;
          done[i] = config.isEos(choice.token()) || generated[i] == limit[i];
          live += done[i] ? 0 : 1;
        }
        if (live == 0) {
          break;
        }
        if (session.retains() && live <= rows.length / 2) {
          rows = retainLive(session, rows, live);
        }
        int[] next = new int[rows.length];
        int[] positions = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
          int i = rows[r];
          next[r] = done[i] ? config.eosToken() : tokens[i][generated[i] - 1];
          positions[r] = Math.min(prompts.get(i).tokens().length() + step,
              config.maxPositions() - 1);
        }
        probabilities = session.step(next, positions, promptSlots + step);
      }
      List<Completion> out = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        int n = generated[i];
        out.add(Completion.builder().prompt(prompts.get(i))
            .completion(TokenSequence.of(Arrays.copyOf(tokens[i], n)))
            .tokenLogProbs(Arrays.copyOf(tokenLogProbs[i], n))
            .endedWithEos(config.isEos(tokens[i][n - 1]))
            .build());
      }
      return out;
    }

    /** Drops finished rows from the session; returns the prompts' indices of those kept. */
    private int[] retainLive(DecodingSession session, int[] rows, int live) {
      int[] kept = new int[live];
      int[] keptRows = new int[live];
      for (int r = 0, k = 0; r < rows.length; r++) {
        if (!done[rows[r]]) {
          kept[k] = r;
          keptRows[k++] = rows[r];
        }
      }
      session.retain(kept);
      return keptRows;
    }

    private PromptBatch promptBatch() {
      int maxNew = Arrays.stream(limit).max().orElse(0);
      int[] ids = new int[batch * promptSlots];
      int[] positions = new int[batch * promptSlots];
      int[] pads = new int[batch];
      for (int i = 0; i < batch; i++) {
        TokenSequence prompt = prompts.get(i).tokens();
        int pad = promptSlots - prompt.length();
        pads[i] = pad;
        for (int t = 0; t < promptSlots; t++) {
          ids[i * promptSlots + t] = t < pad ? config.eosToken() : prompt.get(t - pad);
          positions[i * promptSlots + t] = Math.max(0, t - pad);
        }
      }
      return new PromptBatch(batch, promptSlots, promptSlots + maxNew, ids, positions, pads);
    }
  }
}
