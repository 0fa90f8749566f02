package dev.bond4j.backend;

import dev.bond4j.spi.Backend;
import java.util.List;
import java.util.Optional;

/**
 * Finds {@link Backend}s on the class path through {@link java.util.ServiceLoader}: a backend
 * module is usable by name as soon as its jar is present, with no compile-time dependency on it.
 */
public final class BackendRegistry {
  private final NamedServices<Backend> backends;

  private BackendRegistry(List<Backend> backends) {
    this.backends = new NamedServices<>(backends, Backend::name, Backend::rank, "backend");
  }

  /** The backends visible to this class's class loader. */
  public static BackendRegistry discover() {
    return new BackendRegistry(NamedServices.load(Backend.class));
  }

  /** A registry of exactly these backends (tests, embedding). */
  public static BackendRegistry of(List<Backend> backends) {
    return new BackendRegistry(backends);
  }

  /** The names of the available backends, sorted. */
  public List<String> names() {
    return backends.names();
  }

  /** The highest-ranked backend called {@code name}, if any. */
  public Optional<Backend> find(String name) {
    return backends.find(name);
  }

  /** The backend called {@code name}; the error lists the available ones. */
  public Backend require(String name) {
    return backends.require(name);
  }
}
