package dev.bond4j.decoder;

import dev.bond4j.Problems;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.TokenSequence;
import java.util.List;

/**
 * (prompt, completion) pairs laid out for one forward pass, the same for every engine:
 * right-padded token ids {@code [B, T]} (the last completion token is never an input) and, for
 * each completion token, its row, the flat index {@code row · T + t} of the position that predicts
 * it, and its id. Right padding needs no padding mask: pads follow every real token, and the
 * causal mask already hides them. The arrays are shared, not copied: do not alter them.
 */
public final class PackedSequences {
  private final int batch;
  private final int length;
  private final int[] rowOf;
  private final int[] tokens;
  private final int[] predictingPosition;
  private final int[] targets;

  private PackedSequences(List<? extends PromptedSequence> sequences, int length, int count) {
    this.batch = sequences.size();
    this.length = length;
    this.tokens = new int[batch * length];
    this.rowOf = new int[count];
    this.predictingPosition = new int[count];
    this.targets = new int[count];
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
        targets[n] = completion.get(t);
        n++;
      }
    }
  }

  /**
   * Validates and packs the sequences.
   *
   * @param minimumLength the least number of positions (an engine may need more than one)
   * @throws dev.bond4j.InvalidArgumentException when a prompt is empty, a token id is outside the
   *     vocabulary, or a prompt plus completion is longer than the context
   */
  public static PackedSequences of(List<? extends PromptedSequence> sequences,
      DecoderConfig config, int minimumLength) {
    Problems problems = Problems.of("sequences for a " + config.modelType() + " policy");
    int length = minimumLength;
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

  /** Checks that a prompt is not empty and its ids are in the vocabulary. */
  public static void checkPrompt(Problems problems, String field, TokenSequence prompt,
      DecoderConfig config) {
    problems.check(!prompt.isEmpty(), field + ".prompt", prompt,
        "at least one token (the model has no implicit start token)");
    checkTokens(problems, field + ".prompt", prompt, config);
  }

  /** Checks that every id is in the vocabulary. */
  public static void checkTokens(Problems problems, String field, TokenSequence tokens,
      DecoderConfig config) {
    problems.check(tokens.maxToken() < config.vocabularySize(), field, tokens,
        "token ids in [0, " + config.vocabularySize() + ")");
  }

  /**
   * Checks sequences for a full-sequence logits call: at least one, all of one length between 1
   * and the context, ids in the vocabulary.
   */
  public static void checkEqualLengths(List<TokenSequence> sequences, DecoderConfig config) {
    Problems problems = Problems.of("sequences for logits");
    int length = sequences.isEmpty() ? 0 : sequences.get(0).length();
    for (int i = 0; i < sequences.size(); i++) {
      TokenSequence tokens = sequences.get(i);
      problems.check(tokens.length() == length && length >= 1, "sequences[" + i + "].length",
          tokens.length(), "the common length " + length + " >= 1");
      problems.check(length <= config.maxPositions(), "sequences[" + i + "].length", length,
          "at most the context of " + config.maxPositions());
      checkTokens(problems, "sequences[" + i + "]", tokens, config);
    }
    problems.check(!sequences.isEmpty(), "sequences", 0, "at least one sequence");
    problems.throwIfAny();
  }

  /** Rows {@code B}. */
  public int batch() {
    return batch;
  }

  /** Positions per row {@code T}. */
  public int length() {
    return length;
  }

  /** Number of completion tokens. */
  public int tokenCount() {
    return targets.length;
  }

  /** Row of each completion token. */
  public int[] rowOf() {
    return rowOf;
  }

  /** Input ids {@code [B · T]}, right-padded with 0. */
  public int[] tokens() {
    return tokens;
  }

  /** Input ids as int64, for engines that index with them. */
  public long[] tokensAsLongs() {
    long[] out = new long[tokens.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = tokens[i];
    }
    return out;
  }

  /** Flat index {@code row · T + t} of the position predicting each completion token. */
  public int[] predictingPosition() {
    return predictingPosition;
  }

  /** Id of each completion token. */
  public int[] targets() {
    return targets;
  }

  /** Target of each of the {@code B · T} positions; 0 where a position predicts nothing. */
  public int[] positionTargets() {
    int[] out = new int[batch * length];
    for (int n = 0; n < targets.length; n++) {
      out[predictingPosition[n]] = targets[n];
    }
    return out;
  }

  /** Position ids {@code 0..T-1} of every row. */
  public int[] positions() {
    int[] positions = new int[batch * length];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i % length;
    }
    return positions;
  }

  /** Each completion token's sequence weight at the position that predicts it, 0 elsewhere. */
  public float[] positionWeights(double[] sequenceWeights) {
    float[] weights = new float[batch * length];
    for (int n = 0; n < rowOf.length; n++) {
      weights[predictingPosition[n]] = (float) sequenceWeights[rowOf[n]];
    }
    return weights;
  }

  /** Sums per-token values into per-sequence values. */
  public double[] sumByRow(float[] perToken) {
    double[] out = new double[batch];
    for (int n = 0; n < rowOf.length; n++) {
      out[rowOf[n]] += perToken[n];
    }
    return out;
  }
}
