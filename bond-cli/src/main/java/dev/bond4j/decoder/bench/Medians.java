package dev.bond4j.decoder.bench;

import java.util.Arrays;

/** Medians of measurements. */
public final class Medians {
  private Medians() {}

  /**
   * The median of {@code values}: the middle value, or the mean of the two middle values for an
   * even count.
   *
   * @throws IllegalArgumentException if {@code values} is empty
   */
  public static double of(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("median of no values");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
