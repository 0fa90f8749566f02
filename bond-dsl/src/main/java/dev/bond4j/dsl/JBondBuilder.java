package dev.bond4j.dsl;

/** A J-BOND run's builder: the shared settings and J-BOND's knobs β, η, γ and the anchor period. */
public final class JBondBuilder extends RunBuilder<JBondBuilder> {
  private final ImmutableJBondSettings.Builder knobs = JBondSettings.builder();

  JBondBuilder() {}

  @Override
  JBondBuilder self() {
    return this;
  }

  @Override
  AlgorithmSettings algorithmSettings() {
    return knobs.build();
  }

  /** {@code β} of the Jeffreys divergence (0 forward KL only, 1 backward KL only). */
  public JBondBuilder beta(double beta) {
    knobs.beta(beta);
    return this;
  }

  /** The EMA anchor with rate {@code η}, replacing a periodic anchor. */
  public JBondBuilder eta(double eta) {
    knobs.eta(eta).anchorEvery(0);
    return this;
  }

  /**
   * The EMA anchor with rate {@code η}.
   *
   * @deprecated use {@link #eta(double)}, named as the configuration key is
   */
  @Deprecated
  public JBondBuilder anchorEma(double eta) {
    return eta(eta);
  }

  /** A periodic anchor copied from the policy every {@code steps} steps instead of the EMA. */
  public JBondBuilder anchorEvery(int steps) {
    knobs.anchorEvery(steps);
    return this;
  }

  /** Weight {@code γ} of the extra KL regulariser. */
  public JBondBuilder gamma(double gamma) {
    knobs.gamma(gamma);
    return this;
  }

  /**
   * Weight {@code γ} of the extra KL regulariser.
   *
   * @deprecated use {@link #gamma(double)}, named as the configuration key is
   */
  @Deprecated
  public JBondBuilder klRegularization(double gamma) {
    return gamma(gamma);
  }
}
