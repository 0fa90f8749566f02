package dev.bond4j.paper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one claim measured on one seed: named statistics with the requirement each must meet
 * across seeds, and the plots (kept from the first seed).
 *
 * @param id the claim ({@code C1} to {@code C7}, or a neural one) or a study's name
 * @param statistics per name, the value on this seed
 * @param requirements per name, what the verdict asks of it across seeds
 * @param plots the figures of this seed's runs
 */
public record Measurement(String id, Map<String, Double> statistics,
    Map<String, Requirement> requirements, List<Figure> plots) {

  /** An empty measurement of {@code id} to fill. */
  public static Measurement of(String id) {
    return new Measurement(id, new LinkedHashMap<>(), new LinkedHashMap<>(),
        new ArrayList<>());
  }

  /** Records a statistic the verdict depends on. */
  public Measurement test(String name, double value, Requirement requirement) {
    statistics.put(name, value);
    requirements.put(name, requirement);
    return this;
  }

  /** Records a statistic reported for context. */
  public Measurement report(String name, double value) {
    return test(name, value, Requirement.REPORTED);
  }
}
