package dev.bond4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bond4j.InvalidArgumentException;
import dev.bond4j.value.ValueSchema;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads one mapping of a configuration file onto value types, whose {@link ValueSchema} says
 * which keys there are and what type each value has: no list of keys is kept anywhere else. Type
 * errors, unknown keys and the types' own validation become problems, all collected.
 */
final class SettingsReader {
  private final JsonNode mapping;
  private final Path base;
  private final String fieldPrefix;
  private final List<InvalidArgumentException.Problem> problems;
  private final Set<String> known = new TreeSet<>();

  /**
   * @param mapping the mapping read
   * @param base the folder relative paths are resolved against
   * @param fieldPrefix what problems put before a key ({@code optimizer.} in a nested block)
   * @param problems where problems go
   */
  SettingsReader(JsonNode mapping, Path base, String fieldPrefix,
      List<InvalidArgumentException.Problem> problems) {
    this.mapping = mapping;
    this.base = base;
    this.fieldPrefix = fieldPrefix;
    this.problems = problems;
  }

  /**
   * A draft of {@code schema}'s type holding the values the mapping gives. Each setting is read
   * from the key of its name, or with a {@code keyPrefix} from {@code keyPrefix + Name}; the
   * settings in {@code except} are not keys.
   */
  <T> ValueSchema.Draft<T> read(ValueSchema<T> schema, String keyPrefix, Set<String> except) {
    ValueSchema.Draft<T> draft = schema.draft();
    schema.settings().forEach((name, type) -> {
      if (!except.contains(name)) {
        Object value = value(key(keyPrefix, name), type);
        if (value != null) {
          draft.set(name, value);
        }
      }
    });
    return draft;
  }

  /**
   * The value of {@code key} as {@code type}; null when the key is absent or null, or its value
   * is not of the type (a problem then). The key becomes known.
   */
  Object value(String key, Type type) {
    known.add(key);
    JsonNode node = mapping.get(key);
    return node == null || node.isNull() ? null : convert(node, type, fieldPrefix + key);
  }

  /** Whether the mapping gives {@code key} a value other than null. */
  boolean has(String key) {
    JsonNode node = mapping.get(key);
    return node != null && !node.isNull();
  }

  /** Builds {@code build}'s value; its validation's problems are recorded and null returned. */
  <T> T build(Supplier<T> build) {
    return build("", build);
  }

  /**
   * Builds the value of settings read with {@code keyPrefix}; its validation's problems are
   * recorded under their keys ({@code label} as {@code rewardLabel}) and null returned.
   */
  <T> T build(String keyPrefix, Supplier<T> build) {
    try {
      return build.get();
    } catch (InvalidArgumentException e) {
      for (InvalidArgumentException.Problem p : e.problems()) {
        String field = !fieldPrefix.isEmpty() && p.field().startsWith(fieldPrefix) ? p.field()
            : fieldPrefix + key(keyPrefix, p.field());
        problems.add(new InvalidArgumentException.Problem(field, p.value(), p.expected()));
      }
      return null;
    }
  }

  private static String key(String keyPrefix, String name) {
    return keyPrefix.isEmpty() ? name
        : keyPrefix + name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
  }

  /** Records a problem with {@code key}. */
  void problem(String key, Object value, String expected) {
    problems.add(new InvalidArgumentException.Problem(fieldPrefix + key, value, expected));
  }

  /** The keys read so far. */
  Set<String> known() {
    return known;
  }

  /**
   * Records each key of the mapping that is not known and that {@code elsewhere} does not
   * account for, naming the known keys.
   */
  void unknownKeys(Set<String> elsewhere) {
    for (Iterator<String> it = mapping.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key) && !elsewhere.contains(key)) {
        problem(key, "(unknown key)", "one of " + String.join(", ", known));
      }
    }
  }

  private Object convert(JsonNode node, Type type, String field) {
    Class<?> raw = ValueSchema.rawType(type);
    if (raw == int.class || raw == Integer.class) {
      return expect(node.isIntegralNumber() && node.canConvertToInt(), node, field,
          "a whole number", node::asInt);
    }
    if (raw == long.class || raw == Long.class) {
      return expect(node.isIntegralNumber() && node.canConvertToLong(), node, field,
          "a whole number", node::asLong);
    }
    if (raw == double.class || raw == Double.class) {
      return expect(node.isNumber(), node, field, "a number", node::asDouble);
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return expect(node.isBoolean(), node, field, "true or false", node::asBoolean);
    }
    if (raw == List.class) {
      return expect(node.isArray() || node.isTextual(), node, field,
          "a list, or one comma-separated string", () -> names(node));
    }
    if (raw.isRecord() || builderOf(raw)) {
      return nested(node, raw, field);
    }
    String text = expect(node.isValueNode(), node, field, "a single value", node::asText);
    if (text == null || raw == String.class) {
      return text;
    }
    if (raw == Path.class) {
      return base.resolve(text).normalize();
    }
    return parsed(raw, text, field);
  }

  /** {@code value()} when {@code valid}; else records that {@code field} is not {@code expected}. */
  private <V> V expect(boolean valid, JsonNode node, String field, String expected,
      Supplier<V> value) {
    if (valid) {
      return value.get();
    }
    problems.add(new InvalidArgumentException.Problem(field,
        node.isValueNode() ? node.asText() : node.toString(), expected));
    return null;
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(element -> names.add(element.asText().strip()));
    } else {
      Arrays.stream(node.asText().split(",")).map(String::strip).forEach(names::add);
    }
    return names;
  }

  /** A nested block: a mapping read onto {@code type} with its own unknown-key check. */
  private Object nested(JsonNode node, Class<?> type, String field) {
    ValueSchema<?> schema = ValueSchema.of(type);
    if (!node.isObject()) {
      problems.add(new InvalidArgumentException.Problem(field, node.toString(),
          "a mapping with " + String.join(", ", schema.settings().keySet())));
      return null;
    }
    SettingsReader block = new SettingsReader(node, base, field + ".", problems);
    ValueSchema.Draft<?> draft = block.read(schema, "", Set.of());
    block.unknownKeys(Set.of());
    return block.build(draft::build);
  }

  /**
   * {@code text} as {@code type}: through its static {@code parse(String)} when it has one (whose
   * problem is recorded under {@code field}), else an enum constant's name in any case.
   */
  private Object parsed(Class<?> type, String text, String field) {
    try {
      Method parse = type.getMethod("parse", String.class);
      return parse.invoke(null, text);
    } catch (NoSuchMethodException e) {
      return constant(type, text, field);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof InvalidArgumentException invalid) {
        invalid.problems().forEach(p -> problems.add(
            new InvalidArgumentException.Problem(field, text, p.expected())));
        return null;
      }
      throw new IllegalStateException("Cannot parse " + field, e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("Cannot parse " + field, e);
    }
  }

  private Object constant(Class<?> type, String text, String field) {
    if (!type.isEnum()) {
      throw new IllegalStateException("No reading of " + type + " for " + field);
    }
    for (Object constant : type.getEnumConstants()) {
      if (((Enum<?>) constant).name().equalsIgnoreCase(text)) {
        return constant;
      }
    }
    problems.add(new InvalidArgumentException.Problem(field, text, "one of "
        + Arrays.stream(type.getEnumConstants())
            .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", "))));
    return null;
  }

  private static boolean builderOf(Class<?> type) {
    try {
      return Modifier.isStatic(type.getMethod("builder").getModifiers());
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
