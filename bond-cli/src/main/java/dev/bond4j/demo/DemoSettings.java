package dev.bond4j.demo;

import dev.bond4j.Problems;
import java.nio.file.Path;

/**
 * What the embedded demo runs: where it writes, which backend trains, and its budget.
 *
 * @param out directory of all outputs
 * @param backend backend name, e.g. {@code djl}
 * @param steps training steps of each run (J-BOND and both REINFORCE runs)
 * @param pretrainSteps steps of maximum-likelihood training of the reference on the corpus
 * @param seed run seed
 */
public record DemoSettings(Path out, String backend, int steps, int pretrainSteps, long seed) {
  /** Validates every field. */
  public DemoSettings {
    Problems.of("demo").atLeast("steps", steps, 1).atLeast("pretrainSteps", pretrainSteps, 1)
        .check(backend != null && !backend.isBlank(), "backend", backend, "a backend name")
        .throwIfAny();
  }
}
