package dev.bond4j.testkit;

import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.value.PromptedSequence;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Draws from a distribution over an enumerated support, held as support indices, for {@link
 * SamplesAssert#followLaw}. An index of -1 marks a draw outside the support.
 */
public final class Samples {
  private final int[] indices;
  private final IntFunction<String> names;

  private Samples(int[] indices, IntFunction<String> names) {
    this.indices = indices;
    this.names = names;
  }

  /** Draws given as support indices. */
  public static Samples ofIndices(int... indices) {
    return new Samples(indices.clone(), i -> "index " + indices[i]);
  }

  /** The completions of {@code sequences}, located in {@code space} (its index order). */
  public static Samples of(List<? extends PromptedSequence> sequences, SequenceSpace space) {
    int[] indices = new int[sequences.size()];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = space.indexOf(sequences.get(i).completion());
    }
    return new Samples(indices, i -> "completion " + sequences.get(i).completion());
  }

  /** Number of draws. */
  public int size() {
    return indices.length;
  }

  /** Support index of draw {@code i}, or -1 when it lies outside the support. */
  public int index(int i) {
    return indices[i];
  }

  /** How draw {@code i} reads in a failure message. */
  String describe(int i) {
    return names.apply(i);
  }
}
