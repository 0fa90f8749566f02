package dev.bond4j.spark;

import dev.bond4j.Problems;
import dev.bond4j.value.Prompt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Best-of-N dataset generation on Spark (the driver side): prompts are spread over
 * {@code partitions} tasks of consecutive prompts, each runs a {@link BestOfNGenerator}, and the
 * rows are written through an {@link OutputFolder}, so nothing is half-written. Part files follow
 * the partitions, so rows come out ordered by prompt index without a sort (which would make Spark
 * evaluate the generation twice).
 */
public final class BestOfNGeneration {
  private final SparkSession spark;
  private final BestOfNGenerator generator;
  private final int partitions;

  /**
   * A generation job.
   *
   * @param partitions how many tasks the prompts are split into, {@code >= 1}
   */
  public BestOfNGeneration(SparkSession spark, BestOfNGenerator generator, int partitions) {
    Problems.of("Best-of-N generation").atLeast("--n", generator.n(), 1)
        .atLeast("--partitions", partitions, 1).throwIfAny();
    this.spark = spark;
    this.generator = generator;
    this.partitions = partitions;
  }

  /** The prompts as rows, indexed by position. */
  public static List<PromptRow> index(List<Prompt> prompts) {
    List<PromptRow> rows = new ArrayList<>(prompts.size());
    for (int i = 0; i < prompts.size(); i++) {
      rows.add(PromptRow.of(i, prompts.get(i)));
    }
    return rows;
  }

  /** The rows of {@code prompts}, computed lazily by Spark. */
  public JavaRDD<BestOfNRow> rows(List<PromptRow> prompts) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(prompts, Math.min(partitions, Math.max(1, prompts.size())))
        .mapPartitions(generator);
  }

  /** Generates the dataset of {@code prompts} and writes it to {@code out}. */
  public void write(List<PromptRow> prompts, OutputFolder out, DatasetFormat format) {
    JavaRDD<Row> rows = rows(prompts).map(DatasetSchema::toRow);
    out.write(folder -> {
      DataFrameWriter<Row> writer = spark.createDataFrame(rows, DatasetSchema.ROW).write();
      if (format == DatasetFormat.PARQUET) {
        writer.parquet(folder.toString());
      } else {
        writer.json(folder.toString());
      }
    });
  }

  /** A dataset folder written by {@link #write}, ordered by prompt index. */
  public static Dataset<Row> read(SparkSession spark, Path folder, DatasetFormat format) {
    return (format == DatasetFormat.PARQUET ? spark.read().parquet(folder.toString())
        : spark.read().schema(DatasetSchema.ROW).json(folder.toString()))
        .orderBy("prompt_index");
  }
}
