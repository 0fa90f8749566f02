package dev.bond4j.paper;

import dev.bond4j.Problems;

/**
 * The budget of the claims report: training steps per run, evaluation interval, learning rate,
 * prompts per step, the seeds, and the step cap of the runs that go on until they level off.
 *
 * @param steps optimizer steps of every fixed-length run
 * @param evalEvery steps between exact evaluations
 * @param learningRate Adam's learning rate for every run
 * @param batchSize prompts per step
 * @param firstSeed the first seed; seed {@code s} builds its own testbed and seeds its runs
 * @param seeds number of consecutive seeds every claim runs over, at least 2
 * @param maxSteps cap of the runs that go on until they level off (C3)
 */
public record PaperSettings(int steps, int evalEvery, double learningRate, int batchSize,
    long firstSeed, int seeds, int maxSteps) {
  /** Validates every field. */
  public PaperSettings {
    Problems.of("PaperSettings").atLeast("steps", steps, 1).atLeast("evalEvery", evalEvery, 1)
        .check(learningRate > 0 && Double.isFinite(learningRate), "learningRate", learningRate,
            "a finite number > 0")
        .atLeast("batchSize", batchSize, 1).atLeast("seeds", seeds, 2)
        .atLeast("maxSteps", maxSteps, 1).throwIfAny();
  }

  /**
   * The settings of the published report: 800 steps evaluated every 20, Adam at 0.01, 128 prompts
   * per step, seeds 1 to 5, level-off runs capped at 12,000 steps.
   */
  public static PaperSettings defaults() {
    return new PaperSettings(800, 20, 0.01, 128, 1, 5, 12_000);
  }

  /** The seeds, in order. */
  public long[] seedList() {
    long[] list = new long[seeds];
    for (int i = 0; i < seeds; i++) {
      list[i] = firstSeed + i;
    }
    return list;
  }
}
