package dev.bond4j.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.name.Names;
import dev.bond4j.Problems;
import dev.bond4j.spi.BackendOptions;

/**
 * Selects a backend by name, and optionally its device and threads, for {@link BondModule}. The
 * backend's jar must be on the class path; it is found through {@link java.util.ServiceLoader}.
 */
public class BackendModule extends AbstractModule {
  private final String name;
  private final BackendOptions options;

  /** Selects backend {@code name} with default options (CPU, one thread). */
  public BackendModule(String name) {
    this(name, BackendOptions.defaults());
  }

  /** Selects backend {@code name} with {@code options}. */
  public BackendModule(String name, BackendOptions options) {
    Problems.require(name != null && !name.isBlank(), "backend", name, "a backend name");
    this.name = name;
    this.options = options;
  }

  @Override
  protected void configure() {
    OptionalBinder.newOptionalBinder(binder(), Key.get(String.class,
        Names.named(BondModule.BACKEND_NAME))).setBinding().toInstance(name);
    OptionalBinder.newOptionalBinder(binder(), BackendOptions.class).setBinding()
        .toInstance(options);
  }
}
