package dev.bond4j.backend;

import java.util.List;
import dev.bond4j.spi.RewardProvider;

/** Finds {@link RewardProvider}s ({@code onnx}, ...) on the class path by name. */
public final class RewardRegistry {
  private final NamedServices<RewardProvider> providers;

  private RewardRegistry() {
    this.providers = new NamedServices<>(NamedServices.load(RewardProvider.class),
        RewardProvider::name, p -> 0, "reward");
  }

  /** The providers visible to this class's class loader. */
  public static RewardRegistry discover() {
    return new RewardRegistry();
  }

  /** The names of the providers found, sorted. */
  public List<String> names() {
    return providers.names();
  }

  /** The provider called {@code name}; the error lists the available ones. */
  public RewardProvider require(String name) {
    return providers.require(name);
  }
}
