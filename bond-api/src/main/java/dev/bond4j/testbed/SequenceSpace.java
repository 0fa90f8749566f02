package dev.bond4j.testbed;

import dev.bond4j.Problems;
import dev.bond4j.value.TokenSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every completion a small autoregressive model can produce: strings of non-EOS tokens shorter
 * than {@code maxLength} followed by EOS, and strings of exactly {@code maxLength} non-EOS tokens
 * (cut at the length limit). Sequences are indexed in lexicographic token order, which is the
 * STRICT tie-break order (SPEC S1). Prefix <em>states</em> (the non-EOS strings shorter than
 * {@code maxLength}) are numbered too; each owns one next-token distribution of a tabular policy.
 */
public final class SequenceSpace {
  /** Largest number of sequences the space agrees to enumerate. */
  public static final long MAX_SEQUENCES = 2_000_000;

  private final int vocabularySize;
  private final int eosToken;
  private final int maxLength;
  private final TokenSequence[] sequences;
  private final Map<TokenSequence, Integer> index;
  /** {@code childState[state * V + token]}: the state after appending token, or -1. */
  private final int[] childState;
  private final int stateCount;
  /** Per sequence, the state before each of its tokens. */
  private final int[][] statePath;

  private SequenceSpace(int vocabularySize, int eosToken, int maxLength) {
    this.vocabularySize = vocabularySize;
    this.eosToken = eosToken;
    this.maxLength = maxLength;
    List<TokenSequence> prefixes = new ArrayList<>();
    List<TokenSequence> all = new ArrayList<>();
    enumerate(TokenSequence.empty(), prefixes, all);
    this.stateCount = prefixes.size();
    Map<TokenSequence, Integer> stateIndex = new HashMap<>();
    for (int s = 0; s < prefixes.size(); s++) {
      stateIndex.put(prefixes.get(s), s);
    }
    this.childState = new int[stateCount * vocabularySize];
    Arrays.fill(childState, -1);
    for (int s = 0; s < stateCount; s++) {
      TokenSequence prefix = prefixes.get(s);
      for (int v = 0; v < vocabularySize; v++) {
        if (v != eosToken && prefix.length() + 1 < maxLength) {
          childState[s * vocabularySize + v] = stateIndex.get(prefix.append(v));
        }
      }
    }
    this.sequences = all.toArray(TokenSequence[]::new);
    Arrays.sort(sequences);
    this.index = new HashMap<>(sequences.length * 2);
    this.statePath = new int[sequences.length][];
    for (int i = 0; i < sequences.length; i++) {
      index.put(sequences[i], i);
      statePath[i] = walk(sequences[i]);
    }
  }

  /**
   * The space of a vocabulary of {@code vocabularySize} ids with the given EOS id and length limit.
   *
   * @throws dev.bond4j.InvalidArgumentException when an argument is out of range or the space has
   *     more than {@link #MAX_SEQUENCES} sequences
   */
  public static SequenceSpace of(int vocabularySize, int eosToken, int maxLength) {
    Problems problems = Problems.of("SequenceSpace")
        .atLeast("vocabularySize", vocabularySize, 2)
        .check(eosToken >= 0 && eosToken < vocabularySize, "eosToken", eosToken,
            "an id in [0, vocabularySize)")
        .atLeast("maxLength", maxLength, 1);
    problems.throwIfAny();
    long count = count(vocabularySize - 1, maxLength);
    Problems.require(count <= MAX_SEQUENCES, "vocabularySize^maxLength", count + " sequences",
        "at most " + MAX_SEQUENCES + " sequences to enumerate: use a smaller vocabulary or length");
    return new SequenceSpace(vocabularySize, eosToken, maxLength);
  }

  private static long count(long symbols, int maxLength) {
    long total = 0;
    long power = 1;
    for (int l = 0; l <= maxLength; l++) {
      total += power;
      if (total > MAX_SEQUENCES) {
        return total;
      }
      power *= symbols;
    }
    return total;
  }

  private void enumerate(TokenSequence prefix, List<TokenSequence> prefixes,
      List<TokenSequence> all) {
    if (prefix.length() == maxLength) {
      all.add(prefix);
      return;
    }
    prefixes.add(prefix);
    all.add(prefix.append(eosToken));
    for (int v = 0; v < vocabularySize; v++) {
      if (v != eosToken) {
        enumerate(prefix.append(v), prefixes, all);
      }
    }
  }

  /** Number of token ids. */
  public int vocabularySize() {
    return vocabularySize;
  }

  /** The EOS id. */
  public int eosToken() {
    return eosToken;
  }

  /** Longest completion, in tokens. */
  public int maxLength() {
    return maxLength;
  }

  /** Number of sequences. */
  public int size() {
    return sequences.length;
  }

  /** Number of prefix states. */
  public int stateCount() {
    return stateCount;
  }

  /** The sequence at {@code i} (lexicographic order). */
  public TokenSequence sequence(int i) {
    return sequences[i];
  }

  /** Index of {@code sequence}, or -1 when it is not a complete sequence of this space. */
  public int indexOf(TokenSequence sequence) {
    Integer i = index.get(sequence);
    return i == null ? -1 : i;
  }

  /** The states visited before each token of sequence {@code i}; shares its array, do not alter. */
  int[] statePath(int i) {
    return statePath[i];
  }

  /** The state reached from {@code state} by {@code token}, or -1 when the sequence ends there. */
  int child(int state, int token) {
    return childState[state * vocabularySize + token];
  }

  /**
   * States visited before each token of {@code tokens}.
   *
   * @throws dev.bond4j.InvalidArgumentException when {@code tokens} is not a complete sequence of
   *     this space
   */
  int[] walk(TokenSequence tokens) {
    Problems.require(tokens.length() >= 1 && tokens.length() <= maxLength, "completion.length",
        tokens.length(), "a length in [1, " + maxLength + "]");
    int[] path = new int[tokens.length()];
    int state = 0;
    for (int t = 0; t < tokens.length(); t++) {
      int token = tokens.get(t);
      Problems.require(token < vocabularySize, "completion[" + t + "]", token,
          "a token id in [0, " + vocabularySize + ")");
      Problems.require(state >= 0, "completion", tokens,
          "a sequence that ends at its first EOS or at length " + maxLength);
      path[t] = state;
      state = child(state, token);
    }
    boolean complete = tokens.last() == eosToken || tokens.length() == maxLength;
    Problems.require(complete, "completion", tokens,
        "a complete sequence: ending with EOS " + eosToken + " or of length " + maxLength);
    return path;
  }
}
