package dev.bond4j.dsl;

/** A REINFORCE run's builder: the shared settings and the KL coefficient and samples per prompt. */
public final class ReinforceBuilder extends RunBuilder<ReinforceBuilder> {
  private final ImmutableReinforceSettings.Builder knobs = ReinforceSettings.builder();

  ReinforceBuilder() {}

  @Override
  ReinforceBuilder self() {
    return this;
  }

  @Override
  AlgorithmSettings algorithmSettings() {
    return knobs.build();
  }

  /** The KL coefficient {@code β_RL}. */
  public ReinforceBuilder klCoefficient(double klCoefficient) {
    knobs.klCoefficient(klCoefficient);
    return this;
  }

  /** Policy samples per prompt. */
  public ReinforceBuilder samplesPerPrompt(int samples) {
    knobs.samplesPerPrompt(samples);
    return this;
  }
}
