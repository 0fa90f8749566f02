package dev.bond4j.decoder;

/** Next-token probabilities from logits, in double precision, for engines that return logits. */
public final class Softmax {
  private Softmax() {}

  /**
   * Softmax at {@code temperature} of {@code rows} rows of {@code vocabulary} logits; row {@code
   * r} starts at {@code (r · stride + at) · vocabulary}, so that one position of a {@code [B, T,
   * V]} block can be read with {@code stride = T}.
   *
   * @return {@code [rows · V]}
   */
  public static float[] rows(float[] logits, int rows, int vocabulary, int stride, int at,
      double temperature) {
    float[] probabilities = new float[rows * vocabulary];
    double inverseTemperature = 1 / temperature;
    for (int r = 0; r < rows; r++) {
      int from = (r * stride + at) * vocabulary;
      double max = Double.NEGATIVE_INFINITY;
      for (int v = 0; v < vocabulary; v++) {
        max = Math.max(max, logits[from + v]);
      }
      double total = 0;
      for (int v = 0; v < vocabulary; v++) {
        total += Math.exp((logits[from + v] - max) * inverseTemperature);
      }
      for (int v = 0; v < vocabulary; v++) {
        probabilities[r * vocabulary + v] =
            (float) (Math.exp((logits[from + v] - max) * inverseTemperature) / total);
      }
    }
    return probabilities;
  }
}
