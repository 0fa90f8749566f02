package dev.bond4j.dl4j;

import dev.bond4j.Problems;
import dev.bond4j.models.Gpt2Config;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.TokenSequence;
import java.util.List;

/**
 * (prompt, completion) pairs laid out for one pass of {@link Gpt2Graph}: right-padded token ids
 * {@code [B, T]} (the last completion token is never an input) and, for each completion token,
 * the flat index of the position that predicts it and its id. Right padding needs no padding mask:
 * pads follow every real token, and the causal mask already hides them. Every batch has at least
 * two positions: SameDiff 1.0.0-M2.1 computes wrong gradients for a batch of length one.
 */
final class PackedSequences {
  final int batch;
  final int length;
  /** Row of each completion token. */
  final int[] rowOf;
  /** Flat index {@code row · T + t} of the position predicting each completion token. */
  final int[] predictingPosition;
  final int[] tokens;
  /** Target of each of the {@code B·T} positions; 0 where a position predicts nothing. */
  final int[] targets;

  private PackedSequences(List<? extends PromptedSequence> sequences, int length, int count) {
    this.batch = sequences.size();
    this.length = length;
    this.tokens = new int[batch * length];
    this.targets = new int[batch * length];
    this.rowOf = new int[count];
    this.predictingPosition = new int[count];
    int n = 0;
    for (int row = 0; row < batch; row++) {
      TokenSequence prompt = sequences.get(row).prompt().tokens();
      TokenSequence completion = sequences.get(row).completion();
      int base = row * length;
      for (int t = 0; t < prompt.length(); t++) {
        tokens[base + t] = prompt.get(t);
      }
      for (int t = 0; t + 1 < completion.length(); t++) {
        tokens[base + prompt.length() + t] = completion.get(t);
      }
      for (int t = 0; t < completion.length(); t++) {
        rowOf[n] = row;
        predictingPosition[n] = base + prompt.length() - 1 + t;
        targets[predictingPosition[n]] = completion.get(t);
        n++;
      }
    }
  }

  /**
   * Validates and packs the sequences.
   *
   * @throws dev.bond4j.InvalidArgumentException when a prompt is empty, a token id is outside the
   *     vocabulary, or a prompt plus completion is longer than the context
   */
  static PackedSequences of(List<? extends PromptedSequence> sequences, Gpt2Config config) {
    Problems problems = Problems.of("sequences for a GPT-2 policy");
    int length = 2;
    int count = 0;
    for (int i = 0; i < sequences.size(); i++) {
      PromptedSequence sequence = sequences.get(i);
      TokenSequence prompt = sequence.prompt().tokens();
      TokenSequence completion = sequence.completion();
      checkPrompt(problems, "sequences[" + i + "]", prompt, config);
      checkTokens(problems, "sequences[" + i + "].completion", completion, config);
      int total = prompt.length() + completion.length();
      problems.check(total <= config.maxPositions(), "sequences[" + i + "].length", total,
          "prompt plus completion within the context of " + config.maxPositions() + " tokens");
      length = Math.max(length, total - 1);
      count += completion.length();
    }
    problems.throwIfAny();
    return new PackedSequences(sequences, length, count);
  }

  static void checkPrompt(Problems problems, String field, TokenSequence prompt,
      Gpt2Config config) {
    problems.check(!prompt.isEmpty(), field + ".prompt", prompt,
        "at least one token (GPT-2 has no implicit start token)");
    checkTokens(problems, field + ".prompt", prompt, config);
  }

  static void checkTokens(Problems problems, String field, TokenSequence tokens,
      Gpt2Config config) {
    problems.check(tokens.maxToken() < config.vocabularySize(), field, tokens,
        "token ids in [0, " + config.vocabularySize() + ")");
  }

  /** Number of completion tokens. */
  int tokenCount() {
    return rowOf.length;
  }

  /** Position ids {@code 0..T-1} of every row. */
  int[] positions() {
    int[] positions = new int[batch * length];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i % length;
    }
    return positions;
  }

  /** Each completion token's weight at the position that predicts it, 0 elsewhere. */
  float[] positionWeights(double[] sequenceWeights) {
    float[] weights = new float[batch * length];
    for (int n = 0; n < rowOf.length; n++) {
      weights[predictingPosition[n]] = (float) sequenceWeights[rowOf[n]];
    }
    return weights;
  }
}
