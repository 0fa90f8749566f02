package dev.bond4j.spark.cli;

import dev.bond4j.algorithm.Evaluation;
import dev.bond4j.cli.EvaluationOptions;
import dev.bond4j.spark.DistributedEvaluation;
import dev.bond4j.spark.EvaluationFunction;
import dev.bond4j.spark.PromptRow;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bond-spark eval}: a policy against a reference over a prompt set: reward, KL from the
 * reference, mean log-quantile, effective N and win rate (the {@code bond eval} figures).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Evaluate a policy against a reference over a prompt set on Spark.")
public final class SparkEvalCommand implements Callable<Integer> {
  @Option(names = "--prompts", required = true, description = "JSONL, text or Parquet prompts.")
  private Path prompts;

  @Mixin
  private EvaluationOptions evaluation;

  @Option(names = "--samples", defaultValue = "4",
      description = "Policy samples per prompt (default: ${DEFAULT-VALUE}).")
  private int samples;

  @Mixin
  private SparkOptions options;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    options.check();
    EvaluationFunction function = new EvaluationFunction(
        options.policy(evaluation.policy(), "--policy"),
        options.policy(evaluation.reference(), "--reference"), options.reward(), samples,
        evaluation.referenceSamples(), evaluation.maxNewTokens(), options.seed);
    try {
      List<PromptRow> rows = options.prompts(prompts, "bond-spark eval");
      SparkSession spark = options.session("bond-spark eval");
      Evaluation e = new DistributedEvaluation(spark, function,
          options.partitions(spark, rows.size())).evaluate(rows);
      EvaluationOptions.print(e, spec.commandLine().getOut());
      return 0;
    } finally {
      options.stop();
    }
  }
}
