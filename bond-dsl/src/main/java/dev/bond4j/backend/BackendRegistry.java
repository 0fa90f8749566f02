package dev.bond4j.backend;

import dev.bond4j.Problems;
import dev.bond4j.spi.Backend;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds {@link Backend}s on the class path through {@link ServiceLoader}: a backend module is
 * usable by name as soon as its jar is present, with no compile-time dependency on it.
 */
public final class BackendRegistry {
  private final List<Backend> backends;

  private BackendRegistry(List<Backend> backends) {
    this.backends = List.copyOf(backends);
  }

  /** The backends visible to this class's class loader. */
  public static BackendRegistry discover() {
    return new BackendRegistry(ServiceLoader.load(Backend.class, BackendRegistry.class
        .getClassLoader()).stream().map(ServiceLoader.Provider::get).collect(Collectors.toList()));
  }

  /** A registry of exactly these backends (tests, embedding). */
  public static BackendRegistry of(List<Backend> backends) {
    return new BackendRegistry(backends);
  }

  /** The names of the available backends, sorted. */
  public List<String> names() {
    return backends.stream().map(Backend::name).distinct().sorted().collect(Collectors.toList());
  }

  /** The highest-ranked backend called {@code name}, if any. */
  public Optional<Backend> find(String name) {
    return backends.stream().filter(b -> b.name().equals(name))
        .max(Comparator.comparingInt(Backend::rank));
  }

  /** The backend called {@code name}; the error lists the available ones. */
  public Backend require(String name) {
    Optional<Backend> backend = find(name);
    Problems.require(backend.isPresent(), "backend", name, names().isEmpty()
        ? "a backend on the class path (none is: add backend-djl, backend-onnx or backend-dl4j)"
        : "one of " + String.join(", ", names()));
    return backend.get();
  }
}
