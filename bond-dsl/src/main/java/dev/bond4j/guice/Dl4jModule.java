package dev.bond4j.guice;

import dev.bond4j.spi.BackendOptions;

/** Selects the Deeplearning4j (ND4J SameDiff) backend, {@code dl4j}; its module jar must be on the class path. */
public final class Dl4jModule extends BackendModule {
  /** CPU, one thread. */
  public Dl4jModule() {
    super("dl4j");
  }

  /** With the given device and threads. */
  public Dl4jModule(BackendOptions options) {
    super("dl4j", options);
  }
}
