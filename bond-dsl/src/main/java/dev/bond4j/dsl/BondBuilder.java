package dev.bond4j.dsl;

/** A BOND run's builder: the shared settings and BOND's knobs N, β and the quantile samples. */
public final class BondBuilder extends RunBuilder<BondBuilder> {
  private final ImmutableBondSettings.Builder knobs = BondSettings.builder();

  BondBuilder() {}

  @Override
  BondBuilder self() {
    return this;
  }

  @Override
  AlgorithmSettings algorithmSettings() {
    return knobs.build();
  }

  /** The N of Best-of-N. */
  public BondBuilder n(int n) {
    knobs.n(n);
    return this;
  }

  /** {@code β} of the Jeffreys divergence (0 forward KL only, 1 backward KL only). */
  public BondBuilder beta(double beta) {
    knobs.beta(beta);
    return this;
  }

  /** Base samples per prompt of the Monte-Carlo quantile estimate. */
  public BondBuilder quantileSamples(int samples) {
    knobs.quantileSamples(samples);
    return this;
  }
}
