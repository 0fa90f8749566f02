package dev.bond4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every validation problem of one subject, then throws them together as one
 * {@link InvalidArgumentException}. Typical use:
 *
 * <pre>{@code
 * Problems.of("SamplingSettings")
 *     .check(temperature > 0, "temperature", temperature, "a finite number > 0")
 *     .check(topP > 0 && topP <= 1, "topP", topP, "a number in (0, 1]")
 *     .throwIfAny();
 * }</pre>
 */
public final class Problems {
  private final String subject;
  private final List<InvalidArgumentException.Problem> found = new ArrayList<>();

  private Problems(String subject) {
    this.subject = subject;
  }

  /** Starts collecting problems of the named subject (a type or an argument list). */
  public static Problems of(String subject) {
    return new Problems(subject);
  }

  /** Records a problem unless {@code valid} holds. */
  public Problems check(boolean valid, String field, Object value, String expected) {
    if (!valid) {
      found.add(new InvalidArgumentException.Problem(field, value, expected));
    }
    return this;
  }

  /** Records {@code problem}, found elsewhere (a nested builder, a comparison). */
  public Problems add(InvalidArgumentException.Problem problem) {
    found.add(problem);
    return this;
  }

  /** Records a problem with {@code field} unconditionally: its value is not what was expected. */
  public Problems add(String field, Object value, String expected) {
    return add(new InvalidArgumentException.Problem(field, value, expected));
  }

  /** Records a problem unless {@code value} is finite. */
  public Problems finite(String field, double value) {
    return check(Double.isFinite(value), field, value, "a finite number");
  }

  /** Records a problem unless {@code value} lies in the closed interval [lo, hi]. */
  public Problems inClosed(String field, double value, double lo, double hi) {
    return check(value >= lo && value <= hi, field, value, "a number in [" + lo + ", " + hi + "]");
  }

  /** Records a problem unless {@code value} is finite and {@code >= 0}. */
  public Problems nonNegative(String field, double value) {
    return check(value >= 0 && Double.isFinite(value), field, value, "a finite number >= 0");
  }

  /** Records a problem unless {@code value >= min}. */
  public Problems atLeast(String field, long value, long min) {
    return check(value >= min, field, value, "an integer >= " + min);
  }

  /** Whether no problem was recorded so far. */
  public boolean isEmpty() {
    return found.isEmpty();
  }

  /** Throws all recorded problems at once; returns normally when there are none. */
  public void throwIfAny() {
    if (!found.isEmpty()) {
      throw new InvalidArgumentException(subject, found);
    }
  }

  /** Shorthand for a single check that throws at once. */
  public static void require(boolean valid, String field, Object value, String expected) {
    if (!valid) {
      throw invalid(field, value, expected);
    }
  }

  /**
   * The exception for one bad value, for code that has already decided it is bad: {@code throw
   * Problems.invalid("tieRule", name, "strict or uniform")}.
   */
  public static InvalidArgumentException invalid(String field, Object value, String expected) {
    return new InvalidArgumentException(field,
        List.of(new InvalidArgumentException.Problem(field, value, expected)));
  }
}
