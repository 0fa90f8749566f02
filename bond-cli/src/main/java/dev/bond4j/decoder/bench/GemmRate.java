package dev.bond4j.decoder.bench;

/** The rate of an engine's square float32 matrix product, the denominator of an MFU. */
public final class GemmRate {
  private static final int RUNS = 7;
  private static final int DISCARDED = 2;

  private GemmRate() {}

  /**
   * Times {@code product} seven times and returns the median rate of the last five, in GFLOP/s
   * ({@code 2 n³} floating-point operations per product).
   *
   * @param n the side of the square matrices
   * @param product computes one {@code n × n} product and waits for its result
   */
  public static double gflops(int n, Runnable product) {
    double[] rates = new double[RUNS - DISCARDED];
    for (int r = 0; r < RUNS; r++) {
      long t0 = System.nanoTime();
      product.run();
      double rate = 2.0 * n * n * n / ((System.nanoTime() - t0) / 1e9) / 1e9;
      if (r >= DISCARDED) {
        rates[r - DISCARDED] = rate;
      }
    }
    return Medians.of(rates);
  }
}
