package dev.bond4j.value;

import dev.bond4j.Problems;
import java.util.Arrays;

/**
 * An immutable sequence of token ids. It is a hand-written value class rather than a generated
 * one because it sits on every hot path (sampling, scoring, enumeration) and must not copy its
 * array on each access. Ordering is lexicographic by token id, a proper prefix first; this is the
 * deterministic tie-break order of the {@code STRICT} rule (SPEC S1).
 */
public final class TokenSequence implements Comparable<TokenSequence> {
  private static final TokenSequence EMPTY = new TokenSequence(new int[0]);

  private final int[] tokens;
  private final int hash;

  private TokenSequence(int[] tokens) {
    this.tokens = tokens;
    this.hash = Arrays.hashCode(tokens);
  }

  /** A sequence holding a copy of the given ids; every id must be {@code >= 0}. */
  public static TokenSequence of(int... tokens) {
    for (int i = 0; i < tokens.length; i++) {
      int token = tokens[i];
      Problems.require(token >= 0, "tokens[" + i + "]", token, "a token id >= 0");
    }
    return tokens.length == 0 ? EMPTY : new TokenSequence(tokens.clone());
  }

  /** The empty sequence. */
  public static TokenSequence empty() {
    return EMPTY;
  }

  /** Number of tokens. */
  public int length() {
    return tokens.length;
  }

  /** Whether the sequence has no tokens. */
  public boolean isEmpty() {
    return tokens.length == 0;
  }

  /** The token at {@code index}. */
  public int get(int index) {
    return tokens[index];
  }

  /** The last token; the sequence must not be empty. */
  public int last() {
    return tokens[tokens.length - 1];
  }

  /** A fresh copy of the ids. */
  public int[] toArray() {
    return tokens.clone();
  }

  /** The first {@code length} tokens. */
  public TokenSequence prefix(int length) {
    return length == tokens.length ? this : new TokenSequence(Arrays.copyOf(tokens, length));
  }

  /** This sequence followed by {@code token}. */
  public TokenSequence append(int token) {
    Problems.require(token >= 0, "token", token, "a token id >= 0");
    int[] extended = Arrays.copyOf(tokens, tokens.length + 1);
    extended[tokens.length] = token;
    return new TokenSequence(extended);
  }

  /** This sequence followed by {@code other}. */
  public TokenSequence concat(TokenSequence other) {
    int[] joined = Arrays.copyOf(tokens, tokens.length + other.tokens.length);
    System.arraycopy(other.tokens, 0, joined, tokens.length, other.tokens.length);
    return new TokenSequence(joined);
  }

  /** The largest token id, or -1 when empty. */
  public int maxToken() {
    int max = -1;
    for (int token : tokens) {
      max = Math.max(max, token);
    }
    return max;
  }

  @Override
  public int compareTo(TokenSequence other) {
    return Arrays.compare(tokens, other.tokens);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenSequence other && hash == other.hash
        && Arrays.equals(tokens, other.tokens);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return Arrays.toString(tokens);
  }
}
