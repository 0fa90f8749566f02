package dev.bond4j.testkit;

import java.util.Arrays;
import org.assertj.core.api.AbstractAssert;

/**
 * Bounds on a Kullback-Leibler divergence {@code KL(subject ‖ reference)}, one value per context
 * (a single value for a plain distribution). Made by {@code hasKlFrom(reference)}.
 */
public final class KlAssert extends AbstractAssert<KlAssert, double[]> {
  private final String subject;

  KlAssert(double[] perContext, String subject) {
    super(perContext, KlAssert.class);
    this.subject = subject;
  }

  /** Checks {@code KL <= bound} in every context. */
  public KlAssert atMost(double bound) {
    int worst = worst();
    if (!(actual[worst] <= bound)) {
      failWithMessage("Expected KL(%s ‖ reference) <= %s, but %s is %s (%.3g above the"
          + " bound)%s", subject, bound, where(worst), actual[worst], actual[worst] - bound,
          perContext());
    }
    return this;
  }

  /** Checks {@code |KL - expected| <= tolerance} in every context. */
  public KlAssert isCloseTo(double expected, double tolerance) {
    for (int c = 0; c < actual.length; c++) {
      if (!(Math.abs(actual[c] - expected) <= tolerance)) {
        failWithMessage("Expected KL(%s ‖ reference) = %s ± %s, but %s is %s (difference"
            + " %+.3g)%s", subject, expected, tolerance, where(c), actual[c],
            actual[c] - expected, perContext());
      }
    }
    return this;
  }

  private int worst() {
    int worst = 0;
    for (int c = 1; c < actual.length; c++) {
      if (Double.isNaN(actual[c]) || actual[c] > actual[worst]) {
        worst = c;
      }
    }
    return worst;
  }

  private String where(int context) {
    return actual.length == 1 ? "it" : "the KL of context " + context;
  }

  private String perContext() {
    return actual.length == 1 ? "" : "; KL per context: " + Arrays.toString(actual);
  }
}
