package dev.bond4j.spi;

import dev.bond4j.Problems;
import java.util.Locale;

/**
 * How an engine computes its matrix products. Configurations and the command line spell it
 * {@code fp32} or {@code bf16} ({@link #parse}); weights, gradients, optimizer state and
 * log-probabilities stay float32 in both.
 */
public enum Precision {
  /** Float32 everywhere: the default, and what every backend supports. */
  FP32,
  /** Bfloat16 matrix products with float32 master weights, optimizer state and log-probabilities. */
  BF16;

  /** What {@link #parse} accepts, as its errors say. */
  public static final String VALID = "\"fp32\" or \"bf16\"";

  /**
   * The precision {@code text} names: {@code fp32} or {@code bf16}.
   *
   * @throws dev.bond4j.InvalidArgumentException naming the text and what is valid, for anything
   *     else
   */
  public static Precision parse(String text) {
    for (Precision precision : values()) {
      if (precision.toString().equals(text)) {
        return precision;
      }
    }
    throw Problems.invalid("precision", text, VALID);
  }

  /** The spelling of configurations: {@code fp32} or {@code bf16}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
