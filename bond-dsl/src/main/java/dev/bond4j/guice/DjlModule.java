package dev.bond4j.guice;

import dev.bond4j.spi.BackendOptions;

/** Selects the Deep Java Library (PyTorch engine) backend, {@code djl}; its module jar must be on the class path. */
public final class DjlModule extends BackendModule {
  /** CPU, one thread. */
  public DjlModule() {
    super("djl");
  }

  /** With the given device and threads. */
  public DjlModule(BackendOptions options) {
    super("djl", options);
  }
}
