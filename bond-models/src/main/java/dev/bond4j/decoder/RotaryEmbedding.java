package dev.bond4j.decoder;

import dev.bond4j.Problems;
import java.util.List;

/**
 * Rotary position embedding (RoPE) of the Llama family, as HuggingFace computes it: inverse
 * frequencies {@code 1 / θ^(2i/d)} for {@code i < d/2}, optionally rescaled ({@code rope_scaling}
 * of type {@code linear} or {@code llama3}), and the rotation {@code x·cos + rotate_half(x)·sin}
 * with {@code rotate_half([x1, x2]) = [−x2, x1]} over the two halves of each head.
 *
 * <p>The tables are computed once in Java, in float32 as HuggingFace does, so that every engine
 * rotates with the same numbers.
 *
 * @param theta {@code rope_theta}, the base of the frequencies
 * @param scaling {@code rope_scaling}'s type: {@code none}, {@code linear} or {@code llama3}
 * @param factor the scaling factor (1 without scaling)
 * @param lowFrequencyFactor {@code low_freq_factor} of {@code llama3}
 * @param highFrequencyFactor {@code high_freq_factor} of {@code llama3}
 * @param originalMaxPositions {@code original_max_position_embeddings} of {@code llama3}
 */
public record RotaryEmbedding(double theta, String scaling, double factor,
    double lowFrequencyFactor, double highFrequencyFactor, int originalMaxPositions) {
  /** The {@code rope_scaling} types bond4j supports. */
  public static final List<String> SCALINGS = List.of("none", "linear", "llama3");

  /** Validates every field at once. */
  public RotaryEmbedding {
    Problems problems = Problems.of("rotary embedding")
        .check(theta > 0 && Double.isFinite(theta), "rope_theta", theta, "a finite number > 0")
        .check(SCALINGS.contains(scaling), "rope_scaling.rope_type", scaling,
            "one of " + String.join(", ", SCALINGS) + " (dynamic, yarn, longrope and others are"
                + " not supported)")
        .check(factor >= 1 && Double.isFinite(factor), "rope_scaling.factor", factor,
            "a finite number >= 1");
    if ("llama3".equals(scaling)) {
      problems.check(lowFrequencyFactor > 0 && highFrequencyFactor > lowFrequencyFactor,
              "rope_scaling.high_freq_factor", highFrequencyFactor,
              "greater than low_freq_factor = " + lowFrequencyFactor + " > 0")
          .atLeast("rope_scaling.original_max_position_embeddings", originalMaxPositions, 1);
    }
    problems.throwIfAny();
  }

  /** Plain RoPE with base {@code theta}. */
  public static RotaryEmbedding plain(double theta) {
    return new RotaryEmbedding(theta, "none", 1, 0, 0, 0);
  }

  /** Positions divided by {@code factor} ({@code rope_scaling} type {@code linear}). */
  public static RotaryEmbedding linear(double theta, double factor) {
    return new RotaryEmbedding(theta, "linear", factor, 0, 0, 0);
  }

  /** Llama 3.1's frequency-dependent scaling. */
  public static RotaryEmbedding llama3(double theta, double factor, double low, double high,
      int originalMaxPositions) {
    return new RotaryEmbedding(theta, "llama3", factor, low, high, originalMaxPositions);
  }

  /** The {@code headSize / 2} inverse frequencies, in float32 as HuggingFace computes them. */
  public float[] inverseFrequencies(int headSize) {
    int half = headSize / 2;
    float[] out = new float[half];
    for (int i = 0; i < half; i++) {
      float exponent = (float) (2 * i) / headSize;
      float frequency = (float) (1.0 / (float) Math.pow(theta, exponent));
      out[i] = switch (scaling) {
        case "linear" -> (float) (frequency / factor);
        case "llama3" -> llama3(frequency);
        default -> frequency;
      };
    }
    return out;
  }

  private float llama3(float frequency) {
    double wavelength = 2 * Math.PI / frequency;
    double lowWavelength = originalMaxPositions / lowFrequencyFactor;
    double highWavelength = originalMaxPositions / highFrequencyFactor;
    if (wavelength < highWavelength) {
      return frequency;
    }
    if (wavelength > lowWavelength) {
      return (float) (frequency / factor);
    }
    double smooth = (originalMaxPositions / wavelength - lowFrequencyFactor)
        / (highFrequencyFactor - lowFrequencyFactor);
    return (float) ((1 - smooth) * frequency / factor + smooth * frequency);
  }

  /**
   * Cosines and sines {@code [positions, headSize / 2]} row-major: entry {@code (p, i)} is the
   * angle {@code p · invFreq[i]}. The rotation uses each half twice, as HuggingFace's
   * {@code cat(freqs, freqs)} does.
   *
   * @return {@code {cos, sin}}
   */
  public float[][] tables(int positions, int headSize) {
    float[] frequencies = inverseFrequencies(headSize);
    int half = frequencies.length;
    float[] cos = new float[positions * half];
    float[] sin = new float[positions * half];
    for (int p = 0; p < positions; p++) {
      for (int i = 0; i < half; i++) {
        float angle = (float) p * frequencies[i];
        cos[p * half + i] = (float) Math.cos(angle);
        sin[p * half + i] = (float) Math.sin(angle);
      }
    }
    return new float[][] {cos, sin};
  }
}
