package dev.bond4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.math.TieRule;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Best-of-N generation on a real standalone cluster: a master and two workers (one core each) in
 * their own JVMs on 127.0.0.1. The rows equal those computed in this JVM without Spark, and still
 * do when a worker and its executor are killed in the middle of a job (whose tasks are slowed by
 * 300 ms each so that the kill surely lands while it runs).
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
  @TempDir
  static Path dir;

  private static StandaloneCluster cluster;
  private static SparkSession spark;
  private static BestOfNGenerator generator;
  private static List<PromptRow> prompts;
  private static List<String> expected;

  @BeforeAll
  static void start() throws Exception {
    Path policy = SparkFixture.tinyPolicy(dir.resolve("policy"), 8);
    prompts = BestOfNGeneration.index(SparkFixture.prompts(48));
    generator = SparkFixture.generator(policy, 8, TieRule.UNIFORM, 21);
    expected = new ArrayList<>();
    generator.call(prompts.iterator())
        .forEachRemaining(r -> expected.add(BestOfNGenerationTest.canonical(r)));
    ExecutorCache.closeAll();
    cluster = StandaloneCluster.start(dir.resolve("cluster"), 2);
    spark = SparkSessions.start(cluster.url(), "bond-spark cluster test",
        cluster.driverSettings());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < 3
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(spark.sparkContext().statusTracker().getExecutorInfos())
        .as("the driver and two executors").hasSize(3);
  }

  @AfterAll
  static void stop() throws Exception {
    if (spark != null) {
      spark.stop();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static List<String> rows(int partitions) {
    return new BestOfNGeneration(spark, generator, partitions).rows(prompts)
        .map(BestOfNGenerationTest::canonical).collect();
  }

  @Test
  @Order(1)
  void aClusterGivesTheRowsOfOneJvm() {
    assertThat(rows(4)).isEqualTo(expected);
  }

  @Test
  @Order(2)
  void aWorkerKilledDuringTheJobChangesNothing() throws Exception {
    AtomicInteger finished = new AtomicInteger();
    AtomicInteger removed = new AtomicInteger();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        finished.incrementAndGet();
      }

      @Override
      public void onExecutorRemoved(SparkListenerExecutorRemoved executorRemoved) {
        removed.incrementAndGet();
      }
    });
    BestOfNGenerator rows = generator;
    FlatMapFunction<Iterator<PromptRow>, BestOfNRow> slowed = it -> {
      Thread.sleep(300);
      return rows.call(it);
    };
    CompletableFuture<List<String>> job = CompletableFuture.supplyAsync(() ->
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(prompts, 24)
            .mapPartitions(slowed).map(BestOfNGenerationTest::canonical).collect());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (finished.get() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(job).as("the job is still running when the worker dies").isNotDone();
    cluster.kill(1);
    assertThat(job.get(180, TimeUnit.SECONDS)).isEqualTo(expected);
    assertThat(removed.get()).as("Spark saw the executor go").isGreaterThanOrEqualTo(1);
  }
}
