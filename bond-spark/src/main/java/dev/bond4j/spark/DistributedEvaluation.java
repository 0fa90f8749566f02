package dev.bond4j.spark;

import dev.bond4j.Problems;
import dev.bond4j.algorithm.Evaluation;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Distributed evaluation of a policy against a reference over a prompt set (SPEC S10): mean
 * reward, KL from the reference, mean log-quantile, effective N and win rate, computed per prompt
 * on executors ({@link EvaluationFunction}) and merged on the driver in prompt order.
 */
public final class DistributedEvaluation {
  private final SparkSession spark;
  private final EvaluationFunction function;
  private final int partitions;

  /** An evaluation job over {@code partitions} tasks. */
  public DistributedEvaluation(SparkSession spark, EvaluationFunction function, int partitions) {
    Problems.of("distributed evaluation").atLeast("--samples", function.samples(), 1)
        .atLeast("--reference-samples", function.referenceSamples(), 1)
        .atLeast("--partitions", partitions, 1).throwIfAny();
    this.spark = spark;
    this.function = function;
    this.partitions = partitions;
  }

  /** Evaluates the policy on {@code prompts}. */
  public Evaluation evaluate(List<PromptRow> prompts) {
    EvaluationFunction perPrompt = function;
    return EvaluationFunction.mergeInOrder(JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(prompts, Math.min(partitions, Math.max(1, prompts.size())))
        .mapPartitionsToPair(perPrompt::call).collectAsMap()).evaluation();
  }
}
