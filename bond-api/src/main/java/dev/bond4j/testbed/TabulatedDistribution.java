package dev.bond4j.testbed;

import dev.bond4j.Problems;

/**
 * A fixed distribution over a {@link SequenceSpace} per context, given by its probabilities: a
 * Best-of-N law or an exponential tilt of the reference, evaluated like any policy.
 */
public final class TabulatedDistribution implements ExactDistribution {
  private final SequenceSpace space;
  private final double[][] probabilities;

  /** The distribution with {@code probabilities[context][sequence index]}. */
  public TabulatedDistribution(SequenceSpace space, double[][] probabilities) {
    Problems.require(probabilities.length >= 1, "probabilities.length", probabilities.length,
        "at least one context");
    for (int c = 0; c < probabilities.length; c++) {
      Problems.require(probabilities[c].length == space.size(), "probabilities[" + c + "].length",
          probabilities[c].length, "the space's size " + space.size());
    }
    this.space = space;
    this.probabilities = probabilities;
  }

  @Override
  public SequenceSpace space() {
    return space;
  }

  @Override
  public int contexts() {
    return probabilities.length;
  }

  @Override
  public double[] distribution(int context) {
    return probabilities[context].clone();
  }

  @Override
  public long revision() {
    return 0;
  }
}
