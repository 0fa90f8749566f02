package dev.bond4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.math.BestOfNSelector;
import dev.bond4j.math.TieRule;
import dev.bond4j.random.Seeds;
import dev.bond4j.value.TokenSequence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Best-of-N generation on {@code local[2]}: determinism, the math of each row, the output. */
class BestOfNGenerationTest {
  private static final int PROMPTS = 12;
  private static final int N = 4;

  @TempDir
  static Path dir;

  private static SparkSession spark;
  private static Path policy;
  private static List<PromptRow> prompts;

  @BeforeAll
  static void start() {
    spark = SparkFixture.local(2, 2);
    policy = SparkFixture.tinyPolicy(dir.resolve("policy"), 3);
    prompts = BestOfNGeneration.index(SparkFixture.prompts(PROMPTS));
  }

  @AfterAll
  static void stop() {
    spark.stop();
    ExecutorCache.closeAll();
  }

  private static List<String> rows(BestOfNGenerator generator, int partitions) {
    return new BestOfNGeneration(spark, generator, partitions).rows(prompts)
        .map(BestOfNGenerationTest::canonical).collect();
  }

  /** A row's content as text: the same for a row built in memory and one read back. */
  static String canonical(BestOfNRow row) {
    StringBuilder text = new StringBuilder(row.promptIndex() + "|" + row.promptId() + "|"
        + row.promptText() + "|" + row.best());
    for (Candidate c : row.candidates()) {
      text.append('|').append(c.text()).append(Arrays.toString(c.tokens()))
          .append(c.logProb()).append(Arrays.toString(c.tokenLogProbs()))
          .append(c.endedWithEos()).append(c.reward()).append(c.quantile());
    }
    return text.toString();
  }

  /** The same text of a row read back from a dataset. */
  static String canonical(Row row) {
    StringBuilder text = new StringBuilder(row.<Long>getAs("prompt_index") + "|"
        + row.getAs("prompt_id") + "|" + row.getAs("prompt") + "|" + row.<Integer>getAs("best"));
    for (Row c : row.<Row>getList(row.fieldIndex("candidates"))) {
      text.append('|').append(c.<String>getAs("text"))
          .append(c.getList(c.fieldIndex("tokens"))).append(c.<Double>getAs("log_prob"))
          .append(c.getList(c.fieldIndex("token_log_probs")))
          .append(c.<Boolean>getAs("ended_with_eos")).append(c.<Double>getAs("reward"))
          .append(c.<Double>getAs("quantile"));
    }
    return text.toString();
  }

  @Test
  void theSameRowsForOneTwoAndFourPartitions() {
    BestOfNGenerator generator = SparkFixture.generator(policy, N, TieRule.STRICT, 7);
    List<String> one = rows(generator, 1);
    assertThat(one).hasSize(PROMPTS);
    assertThat(rows(generator, 2)).isEqualTo(one);
    assertThat(rows(generator, 4)).isEqualTo(one);
    assertThat(rows(SparkFixture.generator(policy, N, TieRule.STRICT, 8), 2))
        .as("another run seed draws other completions").isNotEqualTo(one);
  }

  @Test
  void aRetriedTaskGivesTheSameRows() {
    BestOfNGenerator generator = SparkFixture.generator(policy, N, TieRule.UNIFORM, 11);
    List<String> undisturbed = rows(generator, 3);
    FlatMapFunction<Iterator<PromptRow>, BestOfNRow> failingOnce = it -> {
      Iterator<BestOfNRow> rows = generator.call(it);
      TaskContext task = TaskContext.get();
      if (task.partitionId() == 1 && task.attemptNumber() == 0) {
        throw new IllegalStateException("planted failure of the first attempt");
      }
      return rows;
    };
    List<String> retried = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(prompts, 3).mapPartitions(failingOnce)
        .map(BestOfNGenerationTest::canonical).collect();
    assertThat(retried).isEqualTo(undisturbed);
  }

  @Test
  void eachRowHoldsQuantilesAndTheBestOfNPick() {
    BestOfNGenerator generator = SparkFixture.generator(policy, N, TieRule.STRICT, 5);
    List<BestOfNRow> rows = new BestOfNGeneration(spark, generator, 2).rows(prompts).collect();
    for (BestOfNRow row : rows) {
      assertThat(row.candidates()).hasSize(N);
      double[] rewards = row.candidates().stream().mapToDouble(Candidate::reward).toArray();
      List<TokenSequence> tokens = new ArrayList<>();
      for (Candidate c : row.candidates()) {
        tokens.add(TokenSequence.of(c.tokens()));
        long atMost = Stream.of(row.candidates().toArray(Candidate[]::new))
            .filter(o -> o.reward() <= c.reward()).count();
        assertThat(c.quantile()).isEqualTo((double) atMost / N);
        assertThat(c.logProb()).isEqualTo(sum(c.tokenLogProbs()));
        assertThat(c.text()).isEqualTo(SparkFixture.TOKENIZER.decode(TokenSequence.of(c.tokens())));
      }
      assertThat(row.best()).isEqualTo(BestOfNSelector.select(tokens, rewards, TieRule.STRICT,
          new Seeds(5).random(Seeds.SELECTION, row.promptIndex())));
      assertThat(row.bestCandidate().quantile()).isEqualTo(1.0);
    }
  }

  @Test
  void loadsEachModelOncePerTaskSlotNotPerTask() {
    ExecutorCache.closeAll();
    BestOfNGenerator generator = SparkFixture.generator(policy, 2, TieRule.STRICT, 1);
    rows(generator, PROMPTS);
    // 12 tasks on 2 slots: policy, reward and tokenizer each loaded at most once per slot.
    assertThat(ExecutorCache.loads()).isBetween(3, 6);
  }

  @Test
  void writesParquetAndJsonLinesWholeOrNotAtAll() throws Exception {
    BestOfNGenerator generator = SparkFixture.generator(policy, N, TieRule.STRICT, 2);
    BestOfNGeneration job = new BestOfNGeneration(spark, generator, 3);
    List<String> expected = rows(generator, 1);
    for (DatasetFormat format : DatasetFormat.values()) {
      Path out = dir.resolve("out-" + format);
      job.write(prompts, new OutputFolder(out, false), format);
      List<Row> read = BestOfNGeneration.read(spark, out, format).collectAsList();
      assertThat(read).hasSize(PROMPTS);
      assertThat(read.get(3).<Long>getAs("prompt_index")).isEqualTo(3L);
      assertThat(read.stream().map(BestOfNGenerationTest::canonical).toList())
          .isEqualTo(expected);
      assertThatThrownBy(() -> new OutputFolder(out, false))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("--overwrite");
    }
    Path out = dir.resolve("out-PARQUET");
    BestOfNGenerator broken = new BestOfNGenerator(generator.policy(), generator.reward(),
        generator.tokenizer(), 0, TieRule.STRICT, generator.sampling(), 2);
    assertThatThrownBy(() -> new BestOfNGeneration(spark, broken, 2))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("--n");
    Path fresh = dir.resolve("never-written");
    FlatMapFunction<Iterator<PromptRow>, BestOfNRow> failing = it -> {
      throw new IllegalStateException("planted");
    };
    assertThatThrownBy(() -> new OutputFolder(fresh, false).write(folder ->
        spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(prompts, 2).mapPartitions(failing).map(DatasetSchema::toRow),
            DatasetSchema.ROW).write().parquet(folder.toString())))
        .hasStackTraceContaining("planted");
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .noneMatch(name -> name.contains("never-written"));
    }
    new BestOfNGeneration(spark, SparkFixture.generator(policy, 2, TieRule.STRICT, 9), 2)
        .write(prompts, new OutputFolder(out, true), DatasetFormat.PARQUET);
    assertThat(BestOfNGeneration.read(spark, out, DatasetFormat.PARQUET).first()
        .<Integer>getAs("n")).as("--overwrite replaced the dataset").isEqualTo(2);
  }

  private static double sum(double[] values) {
    double s = 0;
    for (double v : values) {
      s += v;
    }
    return s;
  }
}
