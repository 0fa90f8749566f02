package dev.bond4j.decoder.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The parsed options of a benchmark program, in the order they were declared (which is also
 * their order in the JSON line).
 *
 * @param values option name (without {@code --}) to value (for a word option, the word's index)
 * @param words option name to the chosen word, for the word options
 */
public record BenchmarkOptions(Map<String, Integer> values, Map<String, String> words) {
  /** Keeps unmodifiable copies that preserve the order. */
  public BenchmarkOptions {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    words = Collections.unmodifiableMap(new LinkedHashMap<>(words));
  }

  /**
   * Parses {@code --name VALUE} pairs; options not given keep their defaults.
   *
   * @throws IllegalArgumentException in one line naming the option, the value and what is valid,
   *     for an unknown option, a missing or non-integer value, a value out of range or a word
   *     that is not one of the choices
   */
  public static BenchmarkOptions parse(List<BenchmarkOption> declared, String[] argv) {
    Map<String, BenchmarkOption> byName = new LinkedHashMap<>();
    Map<String, Integer> values = new LinkedHashMap<>();
    Map<String, String> words = new LinkedHashMap<>();
    for (BenchmarkOption option : declared) {
      byName.put(option.name(), option);
      values.put(option.name(), option.defaultValue());
      if (!option.choices().isEmpty()) {
        words.put(option.name(), option.choices().get(option.defaultValue()));
      }
    }
    for (int i = 0; i < argv.length; i += 2) {
      BenchmarkOption option = argv[i].startsWith("--") ? byName.get(argv[i].substring(2)) : null;
      if (option == null) {
        throw new IllegalArgumentException("Unknown option " + argv[i] + "; options: "
            + byName.keySet().stream().map(name -> "--" + name).collect(Collectors.joining(", ")));
      }
      if (i + 1 >= argv.length) {
        throw new IllegalArgumentException(argv[i] + ": missing value, must be "
            + (option.choices().isEmpty() ? "an integer" : "one of " + option.choices()));
      }
      if (!option.choices().isEmpty()) {
        int index = option.choices().indexOf(argv[i + 1]);
        if (index < 0) {
          throw new IllegalArgumentException(argv[i] + " " + argv[i + 1] + ": must be one of "
              + String.join(", ", option.choices()));
        }
        values.put(option.name(), index);
        words.put(option.name(), argv[i + 1]);
        continue;
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
    return new BenchmarkOptions(values, words);
  }

  /** The chosen word of the word option {@code name}. */
  public String word(String name) {
    String word = words.get(name);
    if (word == null) {
      throw new IllegalArgumentException("No benchmark word option --" + name + "; options: "
          + words.keySet());
    }
    return word;
  }

  /** The options for the JSON line: integers as numbers, word options as their word. */
  public Map<String, Object> forJson() {
    Map<String, Object> json = new LinkedHashMap<>(values);
    json.putAll(words);
    return json;
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
