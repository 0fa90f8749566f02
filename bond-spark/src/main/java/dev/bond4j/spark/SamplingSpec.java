package dev.bond4j.spark;

import dev.bond4j.value.SamplingSettings;
import java.io.Serializable;

/**
 * {@link SamplingSettings} in a form that travels to executors.
 *
 * @param temperature softmax temperature
 * @param topK top-k, 0 = off
 * @param topP top-p, 1 = off
 * @param maxNewTokens the length limit
 */
public record SamplingSpec(double temperature, int topK, double topP, int maxNewTokens)
    implements Serializable {
  /** The travelling form of {@code settings}. */
  public static SamplingSpec of(SamplingSettings settings) {
    return new SamplingSpec(settings.temperature(), settings.topK(), settings.topP(),
        settings.maxNewTokens());
  }

  /** The settings again. */
  public SamplingSettings settings() {
    return SamplingSettings.builder().temperature(temperature).topK(topK).topP(topP)
        .maxNewTokens(maxNewTokens).build();
  }
}
