package dev.bond4j.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.name.Named;
import com.google.inject.name.Names;
import dev.bond4j.backend.BackendRegistry;
import dev.bond4j.spi.Backend;
import dev.bond4j.spi.BackendOptions;

/**
 * The core Guice bindings: the backend registry, the selected
 * {@link Backend} and its {@link BackendOptions}. The backend name defaults to {@code djl}; a
 * backend module ({@link DjlModule}, {@link OnnxModule}, {@link Dl4jModule}) overrides it.
 * Nothing is loaded in {@link #configure()}: backends are looked up when first injected.
 */
public final class BondModule extends AbstractModule {
  /** The name under which the selected backend's name is bound. */
  public static final String BACKEND_NAME = "bond.backend";

  @Override
  protected void configure() {
    OptionalBinder.newOptionalBinder(binder(), Key.get(String.class,
        Names.named(BACKEND_NAME))).setDefault().toInstance("djl");
    OptionalBinder.newOptionalBinder(binder(), BackendOptions.class).setDefault()
        .toInstance(BackendOptions.defaults());
  }

  @Provides
  @Singleton
  BackendRegistry registry() {
    return BackendRegistry.discover();
  }

  @Provides
  Backend backend(BackendRegistry registry, @Named(BACKEND_NAME) String name) {
    return registry.require(name);
  }
}
