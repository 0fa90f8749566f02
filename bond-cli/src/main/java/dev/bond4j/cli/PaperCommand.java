package dev.bond4j.cli;

import dev.bond4j.backend.BackendRegistry;
import dev.bond4j.demo.NeuralClaims;
import dev.bond4j.paper.ClaimResult;
import dev.bond4j.paper.ClaimsReport;
import dev.bond4j.paper.PaperClaims;
import dev.bond4j.paper.PaperSettings;
import dev.bond4j.report.ClaimsReportWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bond paper}: reproduces the paper's claims C1-C7 on the exact testbed over several seeds
 * and writes {@code claims.json}, one PNG per mirrored figure and {@code report.md}.
 */
@Command(name = "paper", mixinStandardHelpOptions = true,
    description = "Check the BOND paper's claims C1-C7 on the exact testbed over several seeds"
        + " and write claims.json, plots and report.md.")
public final class PaperCommand implements Callable<Integer> {
  @Option(names = {"-o", "--out"}, defaultValue = "bond-runs/paper",
      description = "Directory to write into (default: ${DEFAULT-VALUE}).")
  private Path out;

  @Option(names = "--steps", defaultValue = "800",
      description = "Training steps of every fixed-length run (default: ${DEFAULT-VALUE}).")
  private int steps;

  @Option(names = "--max-steps", defaultValue = "12000",
      description = "Cap of the runs that go on until they level off, C2 and C3"
          + " (default: ${DEFAULT-VALUE}).")
  private int maxSteps;

  @Option(names = "--seed", defaultValue = "1",
      description = "First seed (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Option(names = "--seeds", defaultValue = "5",
      description = "Number of seeds every claim runs over, >= 2 (default: ${DEFAULT-VALUE}).")
  private int seeds;

  @Option(names = "--ablation",
      description = "Also run J-BOND's learning-rate x batch-size ablation (9 more runs per seed).")
  private boolean ablation;

  @Option(names = "--neural",
      description = "Also check C2, C5 and C6 on the demo's GPT (about 10 minutes on 2 cores).")
  private boolean neural;

  @Option(names = "--neural-backend", defaultValue = "djl",
      description = "Backend of the neural section (default: ${DEFAULT-VALUE}).")
  private String neuralBackend;

  @Option(names = "--neural-steps", defaultValue = "200",
      description = "Training steps of every run of the neural section"
          + " (default: ${DEFAULT-VALUE}).")
  private int neuralSteps;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PaperSettings defaults = PaperSettings.defaults();
    PaperSettings settings = new PaperSettings(steps, defaults.evalEvery(),
        defaults.learningRate(), defaults.batchSize(), seed, seeds, maxSteps);
    PrintWriter console = spec.commandLine().getOut();
    NeuralClaims neuralClaims = neural ? new NeuralClaims(BackendRegistry.discover()
        .require(neuralBackend), out.resolve("neural"), neuralSteps, console) : null;
    ClaimsReport report = new PaperClaims(settings, ablation).runAll();
    if (neuralClaims != null) {
      long start = System.nanoTime();
      List<ClaimResult> claims = new ArrayList<>(report.claims());
      claims.addAll(neuralClaims.run(settings.seedList()));
      report = new ClaimsReport(settings, claims, report.studies(), report.plots(),
          report.seconds() + (System.nanoTime() - start) / 1e9);
    }
    Path claims = new ClaimsReportWriter().write(report, out);
    for (ClaimResult claim : report.claims()) {
      console.printf("%s  %-9s %s%n", claim.id(), claim.holds() ? "holds" : "NOT HELD",
          claim.statement());
    }
    console.printf("Wrote %s, the plots and report.md in %.1f s.%n", claims, report.seconds());
    console.flush();
    return 0;
  }
}
