package dev.bond4j.value;

import dev.bond4j.Problems;
import org.immutables.value.Value;

/**
 * How completions are drawn (SPEC S9). Training samples must use {@link #training()}: temperature
 * 1 with no truncation, so that reported log-probabilities are those of the policy itself.
 */
@Value.Immutable
@BondStyle
public abstract class SamplingSettings {
  /** Softmax temperature, {@code > 0}; 1 samples the policy as it is. */
  @Value.Default
  public double temperature() {
    return 1.0;
  }

  /** Keep only the {@code topK} most likely tokens; 0 disables. */
  @Value.Default
  public int topK() {
    return 0;
  }

  /** Keep the smallest set of tokens with total probability {@code >= topP}; 1 disables. */
  @Value.Default
  public double topP() {
    return 1.0;
  }

  /** Maximum number of generated tokens, EOS included. */
  @Value.Default
  public int maxNewTokens() {
    return 32;
  }

  /** Whether these settings sample the untruncated temperature-1 distribution. */
  public boolean isPlain() {
    return temperature() == 1.0 && topK() == 0 && topP() == 1.0;
  }

  /** Plain temperature-1 sampling of at most {@code maxNewTokens} tokens (SPEC S7.1). */
  public static SamplingSettings training(int maxNewTokens) {
    return builder().maxNewTokens(maxNewTokens).build();
  }

  /** A builder with the defaults (temperature 1, no truncation, 32 new tokens). */
  public static ImmutableSamplingSettings.Builder builder() {
    return ImmutableSamplingSettings.builder();
  }

  /** A builder holding these settings. */
  public ImmutableSamplingSettings.Builder toBuilder() {
    return builder().from(this);
  }

  @Value.Check
  protected void check() {
    Problems.of("SamplingSettings")
        .check(temperature() > 0 && Double.isFinite(temperature()), "temperature", temperature(),
            "a finite number > 0")
        .atLeast("topK", topK(), 0)
        .check(topP() > 0 && topP() <= 1, "topP", topP(), "a number in (0, 1]")
        .atLeast("maxNewTokens", maxNewTokens(), 1)
        .throwIfAny();
  }
}
