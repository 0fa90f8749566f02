package dev.bond4j.cli;

import dev.bond4j.paper.ClaimResult;
import dev.bond4j.paper.ClaimsReport;
import dev.bond4j.paper.PaperClaims;
import dev.bond4j.paper.PaperSettings;
import dev.bond4j.report.ClaimsReportWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bond paper}: reproduces the paper's claims C1-C7 on the exact testbed and writes
 * {@code claims.json}, one PNG per mirrored figure and {@code report.md}.
 */
@Command(name = "paper", mixinStandardHelpOptions = true,
    description = "Check the BOND paper's claims C1-C7 on the exact testbed and write"
        + " claims.json, plots and report.md.")
public final class PaperCommand implements Callable<Integer> {
  @Option(names = {"-o", "--out"}, defaultValue = "bond-runs/paper",
      description = "Directory to write into (default: ${DEFAULT-VALUE}).")
  private Path out;

  @Option(names = "--steps", defaultValue = "800",
      description = "Training steps of every run (default: ${DEFAULT-VALUE}).")
  private int steps;

  @Option(names = "--seed", defaultValue = "1", description = "Run seed (default: ${DEFAULT-VALUE}).")
  private long seed;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PaperSettings defaults = PaperSettings.defaults();
    PaperSettings settings = new PaperSettings(steps, defaults.evalEvery(),
        defaults.learningRate(), defaults.batchSize(), seed);
    ClaimsReport report = new PaperClaims(settings).runAll();
    Path claims = new ClaimsReportWriter().write(report, out);
    PrintWriter console = spec.commandLine().getOut();
    for (ClaimResult claim : report.claims()) {
      console.printf("%s  %-9s %s%n", claim.id(), claim.holds() ? "holds" : "NOT HELD",
          claim.statement());
    }
    console.printf("Wrote %s, the plots and report.md in %.1f s.%n", claims, report.seconds());
    console.flush();
    return 0;
  }
}
