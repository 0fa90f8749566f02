package dev.bond4j.dsl;

import java.util.function.IntFunction;

/** The builder of a vBoN or Best-of-N SFT run: the shared settings and the one knob N. */
public final class BestOfNBuilder extends RunBuilder<BestOfNBuilder> {
  private final IntFunction<AlgorithmSettings> knobs;
  private int n;

  BestOfNBuilder(IntFunction<AlgorithmSettings> knobs, int n) {
    this.knobs = knobs;
    this.n = n;
  }

  @Override
  BestOfNBuilder self() {
    return this;
  }

  @Override
  AlgorithmSettings algorithmSettings() {
    return knobs.apply(n);
  }

  /** The N of Best-of-N of the reference. */
  public BestOfNBuilder n(int n) {
    this.n = n;
    return this;
  }
}
