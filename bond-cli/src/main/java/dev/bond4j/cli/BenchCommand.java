package dev.bond4j.cli;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.Problems;
import dev.bond4j.decoder.bench.JBondBackend;
import dev.bond4j.decoder.bench.JBondBenchmark;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bond bench}: times J-BOND steps of a freshly initialised GPT-2 on a backend after a
 * warm-up and prints one JSON object of medians: the shared benchmark harness ({@link
 * JBondBenchmark}, whose class comment lists the keys) on the backend's registered {@link
 * JBondBackend}, so the line has the same keys as the backends' own benchmark programs, the
 * peer script's among them ({@code prompts_per_s}, {@code sample_tokens_per_s}, {@code
 * time_sample_s}, {@code time_update_s}, {@code gemm_gflops}, {@code update_mfu}, {@code
 * peak_rss_bytes}, {@code analytic_min_bytes}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Time J-BOND steps of a fresh model and print a JSON object of medians.")
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--d-model", defaultValue = "128") private int dModel;
  @Option(names = "--layers", defaultValue = "2") private int layers;
  @Option(names = "--heads", defaultValue = "4") private int heads;
  @Option(names = "--vocab", defaultValue = "256") private int vocab;
  @Option(names = "--batch", defaultValue = "16") private int batch;
  @Option(names = "--prompt-length", defaultValue = "16") private int promptLength;
  @Option(names = "--new-tokens", defaultValue = "48") private int newTokens;
  @Option(names = "--steps", defaultValue = "10") private int steps;
  @Option(names = "--warmup", defaultValue = "3") private int warmup;
  @Option(names = "--reference-every", defaultValue = "1") private int referenceEvery;

  @Mixin
  private PolicyOptions options;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Problems.of("bench").atLeast("--steps", steps, 1).atLeast("--warmup", warmup, 0)
        .atLeast("--batch", batch, 1).atLeast("--prompt-length", promptLength, 1)
        .atLeast("--new-tokens", newTokens, 1).atLeast("--reference-every", referenceEvery, 1)
        .throwIfAny();
    options.backendOptions();
    List<String> names = new ArrayList<>();
    for (JBondBackend<?> backend : ServiceLoader.load(JBondBackend.class)) {
      if (backend.backend().equals(options.model.backend())) {
        String[] argv = {"--d-model", "" + dModel, "--layers", "" + layers, "--heads", "" + heads,
            "--vocab", "" + vocab, "--batch", "" + batch, "--prompt", "" + promptLength,
            "--new-tokens", "" + newTokens, "--threads", "" + options.model.threads(),
            "--steps", "" + steps, "--warmup", "" + warmup, "--precision", options.precision,
            "--reference-every", "" + referenceEvery};
        String json;
        try {
          json = JBondBenchmark.run(backend, argv);
        } catch (IllegalArgumentException e) {
          throw new InvalidArgumentException("bench: " + e.getMessage());
        }
        spec.commandLine().getOut().println(json);
        spec.commandLine().getOut().flush();
        return 0;
      }
      names.add(backend.backend());
    }
    throw new InvalidArgumentException("bench: --backend " + options.model.backend()
        + " has no J-BOND benchmark on the class path; available: " + names);
  }
}
