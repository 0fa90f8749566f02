package dev.bond4j.decoder.bench;

import java.util.List;

/**
 * One option of a benchmark program, {@code --name VALUE}: an integer, or one of a few words
 * ({@code choices}, held as the index of the word, the first being the default).
 *
 * @param name the option's name without the leading {@code --}
 * @param defaultValue the value when the option is not given
 * @param minimum the smallest valid value
 * @param maximum the largest valid value
 * @param choices the valid words, or empty for an integer option
 */
public record BenchmarkOption(String name, int defaultValue, int minimum, int maximum,
    List<String> choices) {
  /** Keeps an unmodifiable copy of the choices. */
  public BenchmarkOption {
    choices = List.copyOf(choices);
  }

  /** An integer option. */
  public BenchmarkOption(String name, int defaultValue, int minimum, int maximum) {
    this(name, defaultValue, minimum, maximum, List.of());
  }

  /** An option whose value is one of {@code choices}, the first by default. */
  public static BenchmarkOption choice(String name, String... choices) {
    return new BenchmarkOption(name, 0, 0, choices.length - 1, List.of(choices));
  }

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
