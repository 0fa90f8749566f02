package dev.bond4j.testbed;

/**
 * A policy whose distribution over a {@link SequenceSpace} is known exactly, per context: the
 * tabular policy and its snapshots. Exact evaluation works on these.
 */
public interface ExactDistribution {
  /** The sequence space. */
  SequenceSpace space();

  /** Number of contexts. */
  int contexts();

  /** Probabilities of every sequence of the space for {@code context}, in index order. */
  double[] distribution(int context);

  /**
   * A counter that changes whenever the parameters change, so that callers can cache what they
   * derive from the distribution.
   */
  long revision();
}
