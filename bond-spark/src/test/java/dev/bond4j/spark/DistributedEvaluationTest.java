package dev.bond4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.algorithm.Evaluation;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distributed evaluation on {@code local[2]}. */
class DistributedEvaluationTest {
  @TempDir
  static Path dir;

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkFixture.local(2, 1);
  }

  @AfterAll
  static void stop() {
    spark.stop();
    ExecutorCache.closeAll();
  }

  private static EvaluationFunction function(Path policy, Path reference) {
    TokenizerSource tokenizer = TokenizerSource.of("demo");
    return new EvaluationFunction(new PolicySource(ShippedFolder.of(policy, "--policy"), "djl", 1),
        new PolicySource(ShippedFolder.of(reference, "--reference"), "djl", 1),
        RewardSource.lexicon(tokenizer), 3, 8, 6, 2);
  }

  @Test
  void theSameFiguresForAnyPartitioningAndNoKlAgainstItself() {
    Path policy = SparkFixture.tinyPolicy(dir.resolve("a"), 1);
    Path other = SparkFixture.tinyPolicy(dir.resolve("b"), 2);
    List<PromptRow> prompts = BestOfNGeneration.index(SparkFixture.prompts(10));
    Evaluation one = new DistributedEvaluation(spark, function(policy, other), 1)
        .evaluate(prompts);
    assertThat(new DistributedEvaluation(spark, function(policy, other), 4).evaluate(prompts))
        .isEqualTo(one);
    assertThat(one.samples()).isEqualTo(30);
    assertThat(one.klFromReference()).isNotEqualTo(0.0);
    assertThat(one.winRate()).isBetween(0.0, 1.0);
    assertThat(one.effectiveN()).isEqualTo(-1 / one.meanLogQuantile());
    Evaluation self = new DistributedEvaluation(spark, function(policy, policy), 3)
        .evaluate(prompts);
    assertThat(self.klFromReference()).isCloseTo(0.0, within(1e-9));
  }
}
