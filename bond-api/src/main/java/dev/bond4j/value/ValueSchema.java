package dev.bond4j.value;

import dev.bond4j.BondException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The settings of a value type, read from the type itself so that they are declared once: the
 * attributes of an Immutables type (each public accessor its generated builder can set, with the
 * type's defaults) or the components of a record. Configuration files bind onto value types
 * through it, and a run's identity lists their values, so adding an attribute to a settings type
 * is all it takes to make it a configuration key.
 *
 * @param <T> the value type
 */
public final class ValueSchema<T> {
  private final Class<T> type;
  private final SortedMap<String, Type> settings;

  private ValueSchema(Class<T> type, SortedMap<String, Type> settings) {
    this.type = type;
    this.settings = Collections.unmodifiableSortedMap(settings);
  }

  /**
   * The schema of {@code type}: a record, or an abstract Immutables type with a static {@code
   * builder()}.
   *
   * @throws IllegalArgumentException for any other type
   */
  public static <T> ValueSchema<T> of(Class<T> type) {
    SortedMap<String, Type> settings = new TreeMap<>();
    if (type.isRecord()) {
      for (RecordComponent component : type.getRecordComponents()) {
        settings.put(component.getName(), component.getGenericType());
      }
      return new ValueSchema<>(type, settings);
    }
    Class<?> builder = builderMethod(type).getReturnType();
    for (Method accessor : type.getDeclaredMethods()) {
      int modifiers = accessor.getModifiers();
      if (Modifier.isPublic(modifiers) && !Modifier.isStatic(modifiers)
          && accessor.getParameterCount() == 0
          && setter(builder, accessor.getName(), rawType(settingType(accessor))) != null) {
        settings.put(accessor.getName(), settingType(accessor));
      }
    }
    return new ValueSchema<>(type, settings);
  }

  /** The value type. */
  public Class<T> type() {
    return type;
  }

  /**
   * Each setting's name and type, sorted by name; an {@code Optional<X>} attribute is listed as
   * {@code X}.
   */
  public SortedMap<String, Type> settings() {
    return settings;
  }

  /** A draft with every setting at its default (a record's: zero, false, empty or null). */
  public Draft<T> draft() {
    return new Draft<>(this);
  }

  /**
   * Each setting of {@code value}, by name; an empty optional as null.
   *
   * @throws ClassCastException when {@code value} is not of the type
   */
  public Map<String, Object> values(Object value) {
    T typed = type.cast(value);
    Map<String, Object> values = new TreeMap<>();
    for (String name : settings.keySet()) {
      Object v = invoke(method(type, name), typed);
      values.put(name, v instanceof Optional<?> optional ? optional.orElse(null) : v);
    }
    return values;
  }

  /** The class of {@code type}, without its type arguments. */
  public static Class<?> rawType(Type type) {
    return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
  }

  private static Type settingType(Method accessor) {
    Type type = accessor.getGenericReturnType();
    if (type instanceof ParameterizedType p && p.getRawType() == Optional.class) {
      return p.getActualTypeArguments()[0];
    }
    return type;
  }

  private static Method builderMethod(Class<?> type) {
    try {
      return type.getMethod("builder");
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(type + " is neither a record nor an Immutables type"
          + " with a static builder()", e);
    }
  }

  private static Method setter(Class<?> builder, String name, Class<?> valueType) {
    for (Method m : builder.getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == 1
          && boxed(m.getParameterTypes()[0]).isAssignableFrom(boxed(valueType))) {
        return m;
      }
    }
    return null;
  }

  private static Class<?> boxed(Class<?> type) {
    return type == int.class ? Integer.class : type == long.class ? Long.class
        : type == double.class ? Double.class : type == boolean.class ? Boolean.class : type;
  }

  private static Method method(Class<?> type, String name) {
    try {
      return type.getMethod(name);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object invoke(Method method, Object target, Object... args) {
    return reflect(method, () -> method.invoke(target, args));
  }

  /** A reflective call, whose target's own unchecked exceptions pass through unchanged. */
  private static Object reflect(Object called, ReflectiveCall call) {
    try {
      return call.run();
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new BondException("Cannot call " + called + ": " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new BondException("Cannot call " + called + ": " + e, e);
    }
  }

  private interface ReflectiveCall {
    Object run() throws ReflectiveOperationException;
  }

  /**
   * Settings given one by one, then built into a value, which validates them.
   *
   * @param <T> the value type
   */
  public static final class Draft<T> {
    private final ValueSchema<T> schema;
    private final Map<String, Object> given = new HashMap<>();

    private Draft(ValueSchema<T> schema) {
      this.schema = schema;
    }

    /**
     * Sets {@code name} to {@code value}.
     *
     * @throws IllegalArgumentException when the type has no such setting
     */
    public Draft<T> set(String name, Object value) {
      if (!schema.settings.containsKey(name)) {
        throw new IllegalArgumentException(schema.type.getSimpleName() + " has no " + name);
      }
      given.put(name, value);
      return this;
    }

    /** The value given to {@code name}, or null when none was. */
    public Object given(String name) {
      return given.get(name);
    }

    /**
     * The value of the settings given and the defaults of the others.
     *
     * @throws dev.bond4j.InvalidArgumentException from the type's validation
     */
    public T build() {
      Class<T> type = schema.type;
      if (type.isRecord()) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
          types[i] = components[i].getType();
          args[i] = given.containsKey(components[i].getName()) ? given.get(components[i].getName())
              : zero(types[i]);
        }
        return type.cast(reflect(type, () -> type.getDeclaredConstructor(types)
            .newInstance(args)));
      }
      Object builder = invoke(builderMethod(type), null);
      given.forEach((name, value) -> invoke(setter(builder.getClass(), name,
          rawType(schema.settings.get(name))), builder, value));
      return type.cast(invoke(method(builder.getClass(), "build"), builder));
    }

    private static Object zero(Class<?> type) {
      if (type == List.class) {
        return List.of();
      }
      if (type == Optional.class) {
        return Optional.empty();
      }
      return type == int.class ? (Object) 0 : type == long.class ? (Object) 0L
          : type == double.class ? (Object) 0.0 : type == boolean.class ? (Object) false : null;
    }
  }
}
