package dev.bond4j.algorithm;

import java.util.LinkedHashMap;
import java.util.Map;

/** Wall time per named pipeline stage of one step, reported as {@code time/*} metrics. */
final class StageTimer {
  private final Map<String, Double> seconds = new LinkedHashMap<>();
  private final long start = System.nanoTime();
  private long mark = start;

  /** Charges the time since the previous call (or the start) to {@code key}. */
  void lap(String key) {
    long now = System.nanoTime();
    seconds.merge(key, (now - mark) / 1e9, Double::sum);
    mark = now;
  }

  /** Seconds since the timer started. */
  double total() {
    return (System.nanoTime() - start) / 1e9;
  }

  Map<String, Double> seconds() {
    return seconds;
  }
}
