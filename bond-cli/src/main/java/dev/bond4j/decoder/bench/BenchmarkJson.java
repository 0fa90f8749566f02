package dev.bond4j.decoder.bench;

import java.util.Locale;
import java.util.Map;

/** The one-line JSON object a benchmark program prints. */
public final class BenchmarkJson {
  private BenchmarkJson() {}

  /**
   * Writes {@code values} in their order: doubles with {@code doubleFormat} (a
   * {@link String#format} pattern, in the root locale), other numbers as they print, anything
   * else as a quoted string.
   */
  public static String write(Map<String, ?> values, String doubleFormat) {
    StringBuilder json = new StringBuilder("{");
    for (Map.Entry<String, ?> entry : values.entrySet()) {
      if (json.length() > 1) {
        json.append(", ");
      }
      json.append('"').append(entry.getKey()).append("\": ");
      Object value = entry.getValue();
      if (value instanceof Double d) {
        json.append(String.format(Locale.ROOT, doubleFormat, d));
      } else if (value instanceof Number) {
        json.append(value);
      } else {
        json.append('"').append(value).append('"');
      }
    }
    return json.append('}').toString();
  }
}
