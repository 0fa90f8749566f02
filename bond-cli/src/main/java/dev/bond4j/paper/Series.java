package dev.bond4j.paper;

/**
 * One line of a figure.
 *
 * @param name legend entry
 * @param x abscissae
 * @param y ordinates
 * @param markersOnly draw points instead of a line
 */
public record Series(String name, double[] x, double[] y, boolean markersOnly) {
  /** A line. */
  public static Series line(String name, double[] x, double[] y) {
    return new Series(name, x, y, false);
  }

  /** Points without a line. */
  public static Series points(String name, double[] x, double[] y) {
    return new Series(name, x, y, true);
  }
}
