package dev.bond4j;

import java.util.List;

/**
 * Raised when a value handed to bond4j is outside its valid range. It carries every problem found
 * at once, each naming the field, the offending value and what would be valid, so that a user
 * fixes a configuration in one round instead of one field at a time.
 */
public class InvalidArgumentException extends BondException {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  /** One problem with one field. */
  public record Problem(String field, Object value, String expected) {
    @Override
    public String toString() {
      return field + " = " + render(value) + " (expected " + expected + ")";
    }

    private static String render(Object value) {
      return value instanceof String s ? '"' + s + '"' : String.valueOf(value);
    }
  }

  /**
   * Used by generated builders when required attributes are missing; the message names them.
   *
   * @param message what is missing
   */
  public InvalidArgumentException(String message) {
    super(message);
    this.problems = List.of();
  }

  InvalidArgumentException(String subject, List<Problem> problems) {
    super(format(subject, problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in the order the fields were checked; empty for missing attributes. */
  public List<Problem> problems() {
    return problems;
  }

  private static String format(String subject, List<Problem> problems) {
    StringBuilder message = new StringBuilder("Invalid ").append(subject).append(": ");
    for (int i = 0; i < problems.size(); i++) {
      if (i > 0) {
        message.append("; ");
      }
      message.append(problems.get(i));
    }
    return message.toString();
  }
}
