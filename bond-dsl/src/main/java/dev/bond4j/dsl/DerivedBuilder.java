package dev.bond4j.dsl;

/**
 * The builder {@link BondRun#toBuilder()} returns: the run's algorithm knobs as they are, the
 * shared settings and components open to change.
 */
final class DerivedBuilder extends RunBuilder<DerivedBuilder> {
  private final AlgorithmSettings knobs;

  DerivedBuilder(RunSettings settings) {
    this.knobs = settings.algorithm();
    sharing(settings);
  }

  @Override
  DerivedBuilder self() {
    return this;
  }

  @Override
  AlgorithmSettings algorithmSettings() {
    return knobs;
  }
}
