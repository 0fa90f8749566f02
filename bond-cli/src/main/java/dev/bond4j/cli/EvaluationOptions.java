package dev.bond4j.cli;

import dev.bond4j.algorithm.Evaluation;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options and the report of {@code bond eval} and {@code bond-spark eval}: the evaluated
 * policy, its reference, the reference samples per prompt and the length limit.
 */
public final class EvaluationOptions {
  @Option(names = "--policy", required = true, description = "The evaluated policy folder.")
  private Path policy;

  @Option(names = "--reference", required = true, description = "The reference policy folder.")
  private Path reference;

  @Option(names = "--reference-samples", defaultValue = "16",
      description = "Reference samples per prompt for quantiles (default: ${DEFAULT-VALUE}).")
  private int referenceSamples;

  @Option(names = "--max-new-tokens", defaultValue = "12", description = "Length limit.")
  private int maxNewTokens;

  /** The evaluated policy's folder. */
  public Path policy() {
    return policy;
  }

  /** The reference policy's folder. */
  public Path reference() {
    return reference;
  }

  /** Reference samples per prompt. */
  public int referenceSamples() {
    return referenceSamples;
  }

  /** The longest completion, in tokens. */
  public int maxNewTokens() {
    return maxNewTokens;
  }

  /** Prints the figures of {@code e}, one {@code name value} line each (SPEC S10). */
  public static void print(Evaluation e, PrintWriter out) {
    out.printf("reward %.3f%nkl/ref %.3f%nlog_quantile %.3f%nn_eff %.2f%nwin_rate %.3f%n"
        + "samples %d%n", e.reward(), e.klFromReference(), e.meanLogQuantile(), e.effectiveN(),
        e.winRate(), e.samples());
    out.flush();
  }
}
