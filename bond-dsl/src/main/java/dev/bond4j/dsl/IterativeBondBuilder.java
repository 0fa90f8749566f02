package dev.bond4j.dsl;

/**
 * An iterative BOND run's builder: the shared settings and the knobs N, anchor period, β, γ and
 * the quantile samples.
 */
public final class IterativeBondBuilder extends RunBuilder<IterativeBondBuilder> {
  private final ImmutableIterativeBondSettings.Builder knobs = IterativeBondSettings.builder();

  IterativeBondBuilder() {}

  @Override
  IterativeBondBuilder self() {
    return this;
  }

  @Override
  AlgorithmSettings algorithmSettings() {
    return knobs.build();
  }

  /** The N of Best-of-N against the anchor. */
  public IterativeBondBuilder n(int n) {
    knobs.n(n);
    return this;
  }

  /** Steps between anchor copies. */
  public IterativeBondBuilder anchorEvery(int steps) {
    knobs.anchorEvery(steps);
    return this;
  }

  /** {@code β} of the Jeffreys divergence (0 forward KL only, 1 backward KL only). */
  public IterativeBondBuilder beta(double beta) {
    knobs.beta(beta);
    return this;
  }

  /** Weight {@code γ} of the extra KL regulariser. */
  public IterativeBondBuilder gamma(double gamma) {
    knobs.gamma(gamma);
    return this;
  }

  /** Base samples per prompt of the Monte-Carlo quantile estimate. */
  public IterativeBondBuilder quantileSamples(int samples) {
    knobs.quantileSamples(samples);
    return this;
  }
}
