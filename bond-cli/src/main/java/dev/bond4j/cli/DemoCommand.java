package dev.bond4j.cli;

import dev.bond4j.backend.BackendRegistry;
import dev.bond4j.demo.Demo;
import dev.bond4j.demo.DemoSettings;
import dev.bond4j.demo.DemoSummary;
import dev.bond4j.algorithm.Evaluation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bond demo}, what {@code bond} runs with no subcommand: the embedded J-BOND demo on a
 * synthetic review corpus. Needs nothing but the repository.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Train a small GPT on a synthetic review corpus, distil Best-of-N of it with"
        + " J-BOND, compare REINFORCE and Best-of-N sampling, and write metrics, plots,"
        + " samples and a summary.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = {"-o", "--out"}, defaultValue = "bond-runs/demo",
      description = "Directory to write into (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("bond-runs/demo");

  @Option(names = "--backend", defaultValue = "djl",
      description = "Backend that trains (default: ${DEFAULT-VALUE}).")
  String backend = "djl";

  @Option(names = "--steps", defaultValue = "200",
      description = "Training steps of each run (default: ${DEFAULT-VALUE}).")
  int steps = 200;

  @Option(names = "--pretrain-steps", defaultValue = "400",
      description = "Steps training the reference on the corpus when it is not cached yet"
          + " (default: ${DEFAULT-VALUE}); delete OUT/reference to train it again.")
  int pretrainSteps = 400;

  @Option(names = "--seed", defaultValue = "1", description = "Run seed (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter console = spec.commandLine().getOut();
    DemoSettings settings = new DemoSettings(out, backend, steps, pretrainSteps, seed);
    DemoSummary summary = new Demo(BackendRegistry.discover().require(backend), settings, console,
        System.console() != null).run();
    console.println();
    console.println("Summary (" + out + "/summary.json):");
    line(console, "reference", summary.reference());
    line(console, "J-BOND", summary.distilled());
    for (Map.Entry<String, Evaluation> e : summary.baselines().entrySet()) {
      line(console, e.getKey(), e.getValue());
    }
    StringBuilder bon = new StringBuilder("Best-of-N sampling reward:");
    summary.bestOfNReward().forEach((n, r) -> bon.append(String.format("  N=%d %.2f", n, r)));
    console.println(bon);
    console.printf("Plots: reward.png, kl.png, reward-vs-kl.png; samples.md; metrics under runs/."
        + " %.0f s.%n", summary.seconds());
    console.flush();
    return 0;
  }

  private static void line(PrintWriter console, String label, Evaluation e) {
    console.printf("  %-26s reward %6.2f   KL %5.2f   N_eff %6.2f   win rate %.2f%n", label,
        e.reward(), e.klFromReference(), e.effectiveN(), e.winRate());
  }
}
