package dev.bond4j.cli;

import dev.bond4j.value.SamplingSettings;
import picocli.CommandLine.Option;

/**
 * The sampling options of the commands that draw completions ({@code bond sample}, {@code
 * bond-spark generate}): temperature, top-k, top-p and the length limit.
 */
public final class SamplingOptions {
  @Option(names = "--temperature", defaultValue = "1.0", description = "Temperature.")
  private double temperature;

  @Option(names = "--top-k", defaultValue = "0", description = "Top-k, 0 = off.")
  private int topK;

  @Option(names = "--top-p", defaultValue = "1.0", description = "Top-p, 1 = off.")
  private double topP;

  @Option(names = "--max-new-tokens", defaultValue = "12", description = "Length limit.")
  private int maxNewTokens;

  /** The longest completion, in tokens. */
  public int maxNewTokens() {
    return maxNewTokens;
  }

  /** The settings these options name (validated by {@link SamplingSettings}). */
  public SamplingSettings settings() {
    return SamplingSettings.builder().temperature(temperature).topK(topK).topP(topP)
        .maxNewTokens(maxNewTokens).build();
  }
}
