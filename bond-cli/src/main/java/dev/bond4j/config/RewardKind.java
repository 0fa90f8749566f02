package dev.bond4j.config;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.backend.RewardRegistry;
import dev.bond4j.demo.LexiconReward;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.spi.RewardProvider;
import dev.bond4j.spi.RewardSpec;
import java.util.List;
import java.util.Optional;

/**
 * What a configuration's {@code reward} names: {@code lexicon}, the demo's sentiment lexicon,
 * built in, or a {@link RewardProvider} service on the class path ({@code onnx}, ...), which reads
 * a model file. The one place that tells them apart.
 */
public final class RewardKind {
  /** The name of the built-in lexicon reward. */
  public static final String LEXICON = "lexicon";

  private final String name;
  private final RewardProvider provider;

  private RewardKind(String name, RewardProvider provider) {
    this.name = name;
    this.provider = provider;
  }

  /** The built-in lexicon reward. */
  public static RewardKind lexicon() {
    return new RewardKind(LEXICON, null);
  }

  /**
   * The kind {@code name} names.
   *
   * @throws dev.bond4j.InvalidArgumentException listing the providers found
   */
  public static RewardKind parse(String name) {
    if (LEXICON.equals(name)) {
      return lexicon();
    }
    RewardRegistry registry = RewardRegistry.discover();
    List<String> providers = registry.names();
    Problems.require(providers.contains(name), "reward", name, LEXICON + " or a reward provider"
        + " on the class path (" + (providers.isEmpty() ? "none is"
        : "found: " + String.join(", ", providers)) + ")");
    return new RewardKind(name, registry.require(name));
  }

  /** Whether the reward reads a model file: true for every provider, false for the lexicon. */
  public boolean readsModelFile() {
    return provider != null;
  }

  /**
   * Opens the reward over {@code tokenizer}'s ids.
   *
   * @param spec the model file and output, required when {@link #readsModelFile()}, else ignored
   * @throws BondException when a provider is given no spec, or cannot open the model
   */
  public RewardModel open(Optional<RewardSpec> spec, Tokenizer tokenizer) {
    if (provider == null) {
      return new LexiconReward(tokenizer);
    }
    return provider.open(spec.orElseThrow(() -> new BondException("The " + name
        + " reward needs a model file")), tokenizer);
  }

  /** The name, as configurations spell it. */
  @Override
  public String toString() {
    return name;
  }
}
