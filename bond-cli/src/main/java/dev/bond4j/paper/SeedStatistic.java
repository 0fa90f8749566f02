package dev.bond4j.paper;

import dev.bond4j.Problems;
import dev.bond4j.stats.StudentT;
import java.util.Arrays;

/**
 * One statistic of a claim measured once per seed: the values, their mean, the 95% confidence
 * interval of the mean (Student's t over the seeds), and whether its {@link Requirement} is met.
 *
 * @param name what was measured, signed so that the claim's direction is positive
 * @param requirement what the verdict asks of it
 * @param seeds the seeds, in order
 * @param values one value per seed
 * @param mean the mean over seeds
 * @param low lower end of the 95% confidence interval
 * @param high upper end of the 95% confidence interval
 * @param holds whether the requirement is met ({@code true} for a reported statistic)
 */
public record SeedStatistic(String name, Requirement requirement, long[] seeds, double[] values,
    double mean, double low, double high, boolean holds) {

  /** The statistic of {@code values}, one per seed; NaN values make the requirement fail. */
  public static SeedStatistic of(String name, Requirement requirement, long[] seeds,
      double[] values) {
    Problems.of("SeedStatistic " + name)
        .check(seeds.length == values.length, "values.length", values.length,
            "one per seed, " + seeds.length)
        .atLeast("seeds.length", seeds.length, 2).throwIfAny();
    int n = values.length;
    double mean = 0;
    for (double v : values) {
      mean += v / n;
    }
    double variance = 0;
    for (double v : values) {
      variance += (v - mean) * (v - mean) / (n - 1);
    }
    double half = StudentT.quantile975(n - 1) * Math.sqrt(variance / n);
    boolean holds = switch (requirement) {
      case INTERVAL_ABOVE_ZERO -> mean - half > 0;
      case EVERY_SEED_ABOVE_ZERO -> Arrays.stream(values).allMatch(v -> v > 0);
      case REPORTED -> true;
    };
    return new SeedStatistic(name, requirement, seeds.clone(), values.clone(), mean, mean - half,
        mean + half, holds);
  }
}
