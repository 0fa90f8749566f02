package dev.bond4j.value;

import dev.bond4j.Problems;
import java.util.Map;
import java.util.OptionalDouble;
import org.immutables.value.Value;

/**
 * The typed record of one training step: its number and its metrics, keyed by lowercase,
 * {@code /}-namespaced names such as {@code reward/mean} or {@code kl/ref} (SPEC S10, DESIGN.md
 * "Metrics"). Keys keep their insertion order so sinks write stable columns.
 */
@Value.Immutable
@BondStyle
public abstract class StepReport {
  /** The step number, starting at 1. */
  public abstract long step();

  /** Metric values by key. */
  public abstract Map<String, Double> metrics();

  /** The metric named {@code key}, if present. */
  public OptionalDouble metric(String key) {
    Double value = metrics().get(key);
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  /** The metric named {@code key}; throws when it is absent. */
  public double require(String key) {
    Double value = metrics().get(key);
    Problems.require(value != null, "metric", key, "one of " + metrics().keySet());
    return value;
  }

  /** A builder. */
  public static ImmutableStepReport.Builder builder() {
    return ImmutableStepReport.builder();
  }

  @Value.Check
  protected void check() {
    Problems problems = Problems.of("StepReport").atLeast("step", step(), 0);
    for (String key : metrics().keySet()) {
      problems.check(key.matches("[a-z0-9_]+(/[a-z0-9_]+)*"), "metrics key", key,
          "lowercase words separated by '/'");
    }
    problems.throwIfAny();
  }
}
