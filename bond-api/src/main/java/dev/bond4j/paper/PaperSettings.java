package dev.bond4j.paper;

import dev.bond4j.Problems;

/**
 * The budget of the claims report: training steps per run, evaluation interval, learning rate,
 * prompts per step, and the run seed.
 *
 * @param steps optimizer steps of every run
 * @param evalEvery steps between exact evaluations
 * @param learningRate Adam's learning rate for every run
 * @param batchSize prompts per step
 * @param seed seed of the testbed and of every run
 */
public record PaperSettings(int steps, int evalEvery, double learningRate, int batchSize,
    long seed) {
  /** Validates every field. */
  public PaperSettings {
    Problems.of("PaperSettings").atLeast("steps", steps, 1).atLeast("evalEvery", evalEvery, 1)
        .check(learningRate > 0 && Double.isFinite(learningRate), "learningRate", learningRate,
            "a finite number > 0")
        .atLeast("batchSize", batchSize, 1).throwIfAny();
  }

  /** The settings of the published report: 800 steps, evaluated every 20. */
  public static PaperSettings defaults() {
    return new PaperSettings(800, 20, 0.01, 32, 1);
  }
}
