package dev.bond4j.models.bench;

/**
 * One integer option of a benchmark program, {@code --name VALUE}.
 *
 * @param name the option's name without the leading {@code --}
 * @param defaultValue the value when the option is not given
 * @param minimum the smallest valid value
 * @param maximum the largest valid value
 */
public record BenchmarkOption(String name, int defaultValue, int minimum, int maximum) {
  /** An option whose valid values are 1 and above. */
  public static BenchmarkOption positive(String name, int defaultValue) {
    return atLeast(name, defaultValue, 1);
  }

  /** An option whose valid values are {@code minimum} and above. */
  public static BenchmarkOption atLeast(String name, int defaultValue, int minimum) {
    return new BenchmarkOption(name, defaultValue, minimum, Integer.MAX_VALUE);
  }

  /** Whether {@code value} is valid, and if not the one line that says so. */
  String check(int value) {
    if (value >= minimum && value <= maximum) {
      return null;
    }
    String valid = maximum == Integer.MAX_VALUE ? "an integer >= " + minimum
        : "an integer from " + minimum + " to " + maximum;
    return "--" + name + " " + value + ": must be " + valid;
  }
}
