package dev.bond4j.spark.cli;

import dev.bond4j.Problems;
import dev.bond4j.cli.SamplingOptions;
import dev.bond4j.math.TieRule;
import dev.bond4j.spark.BestOfNGeneration;
import dev.bond4j.spark.BestOfNGenerator;
import dev.bond4j.spark.DatasetFormat;
import dev.bond4j.spark.OutputFolder;
import dev.bond4j.spark.PolicySource;
import dev.bond4j.spark.PromptRow;
import dev.bond4j.spark.RewardSource;
import dev.bond4j.spark.SamplingSpec;
import dev.bond4j.value.SamplingSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bond-spark generate}: a Best-of-N dataset: for every prompt N completions with
 * log-probs, rewards and empirical quantiles, and the Best-of-N pick.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Generate a Best-of-N dataset (Parquet or JSON lines) on Spark.")
public final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--prompts", required = true,
      description = "JSONL ({\"id\", \"text\"}), text, or Parquet (column text, optional id).")
  private Path prompts;

  @Option(names = "--policy", required = true, description = "The policy folder.")
  private Path policy;

  @Option(names = "--out", required = true, description = "The output folder (must not exist).")
  private Path out;

  @Option(names = "--overwrite", description = "Replace an existing output folder.")
  private boolean overwrite;

  @Option(names = "--format", defaultValue = "parquet",
      description = "parquet or jsonl (default: ${DEFAULT-VALUE}).")
  private String format;

  @Option(names = {"-n", "--n"}, defaultValue = "8",
      description = "Completions per prompt (default: ${DEFAULT-VALUE}).")
  private int n;

  @Option(names = "--tie-rule", defaultValue = "STRICT",
      description = "STRICT or UNIFORM (default: ${DEFAULT-VALUE}).")
  private TieRule tieRule;

  @Mixin
  private SamplingOptions sampling;

  @Mixin
  private SparkOptions options;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    options.check();
    Problems.require(n >= 1, "--n", n, "a number of completions >= 1");
    DatasetFormat dataset = DatasetFormat.of(format);
    SamplingSettings settings = sampling.settings();
    OutputFolder folder = new OutputFolder(out, overwrite);
    PolicySource policySource = options.policy(policy, "--policy");
    RewardSource rewardSource = options.reward();
    try {
      List<PromptRow> rows = options.prompts(prompts, "bond-spark generate");
      SparkSession spark = options.session("bond-spark generate");
      BestOfNGenerator generator = new BestOfNGenerator(policySource, rewardSource,
          options.tokenizer(), n, tieRule, SamplingSpec.of(settings), options.seed);
      int partitions = options.partitions(spark, rows.size());
      long start = System.nanoTime();
      new BestOfNGeneration(spark, generator, partitions).write(rows, folder, dataset);
      double seconds = (System.nanoTime() - start) / 1e9;
      Row summary = BestOfNGeneration.read(spark, folder.target(), dataset)
          .selectExpr("count(*)", "avg(best_reward)",
              "avg(aggregate(candidates, 0D, (a, c) -> a + c.reward) / n)").first();
      PrintWriter printer = spec.commandLine().getOut();
      printer.printf(Locale.ROOT, "%s: %d prompts x %d completions (%s, %d partitions on %s)"
          + " in %.1f s, %.1f completions/s%nmean reward %.3f, mean Best-of-%d reward %.3f%n",
          folder.target(), summary.getLong(0), n, dataset.name().toLowerCase(Locale.ROOT),
          partitions, spark.sparkContext().master(), seconds, summary.getLong(0) * n / seconds,
          summary.getDouble(2), n, summary.getDouble(1));
      printer.flush();
      return 0;
    } finally {
      options.stop();
    }
  }

}
