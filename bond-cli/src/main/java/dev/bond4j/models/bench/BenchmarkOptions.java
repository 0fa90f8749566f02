package dev.bond4j.models.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The parsed integer options of a benchmark program, in the order they were declared (which is
 * also their order in the JSON line).
 *
 * @param values option name (without {@code --}) to value
 */
public record BenchmarkOptions(Map<String, Integer> values) {
  /** Keeps an unmodifiable copy that preserves the order. */
  public BenchmarkOptions {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * Parses {@code --name VALUE} pairs; options not given keep their defaults.
   *
   * @throws IllegalArgumentException in one line naming the option, the value and what is valid,
   *     for an unknown option, a missing or non-integer value or a value out of range
   */
  public static BenchmarkOptions parse(List<BenchmarkOption> declared, String[] argv) {
    Map<String, BenchmarkOption> byName = new LinkedHashMap<>();
    Map<String, Integer> values = new LinkedHashMap<>();
    for (BenchmarkOption option : declared) {
      byName.put(option.name(), option);
      values.put(option.name(), option.defaultValue());
    }
    for (int i = 0; i < argv.length; i += 2) {
      BenchmarkOption option = argv[i].startsWith("--") ? byName.get(argv[i].substring(2)) : null;
      if (option == null) {
        throw new IllegalArgumentException("Unknown option " + argv[i] + "; options: "
            + byName.keySet().stream().map(name -> "--" + name).collect(Collectors.joining(", ")));
      }
      if (i + 1 >= argv.length) {
        throw new IllegalArgumentException(argv[i] + ": missing value, must be an integer");
      }
      int value;
      try {
        value = Integer.parseInt(argv[i + 1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(argv[i] + " " + argv[i + 1] + ": must be an integer");
      }
      String problem = option.check(value);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      values.put(option.name(), value);
    }
    return new BenchmarkOptions(values);
  }

  /** The value of the option {@code name}. */
  public int get(String name) {
    Integer value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("No benchmark option --" + name + "; options: "
          + values.keySet());
    }
    return value;
  }
}
