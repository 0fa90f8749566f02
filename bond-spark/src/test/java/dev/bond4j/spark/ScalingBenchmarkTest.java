package dev.bond4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.BondTrainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.backend.BackendRegistry;
import dev.bond4j.demo.LexiconReward;
import dev.bond4j.math.TieRule;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.decoder.DecoderPolicy;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.SamplingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scaling figures of BENCHMARKS.md, on a standalone cluster of two one-core workers: Best-of-N
 * generation throughput with one executor and with two, the per-task overhead, and the broadcast
 * cost of a J-BOND step with Spark rollouts. Run by hand on an idle machine:
 * {@code mvn -pl bond-spark -am verify -Dgroups=bench -Dtest=ScalingBenchmarkTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dbench.policy=FOLDER}; prints one JSON line per figure.
 */
@Tag("bench")
class ScalingBenchmarkTest {
  @TempDir
  static Path dir;

  private static final int PROMPTS = Integer.getInteger("bench.prompts", 1024);
  private static final int N = Integer.getInteger("bench.n", 16);
  /** Untimed runs first: a fresh executor's JIT compilers keep a core busy for many seconds. */
  private static final int WARM_UPS = Integer.getInteger("bench.warmups", 10);

  @Test
  void scaling() throws Exception {
    Path policy = System.getProperty("bench.policy") == null
        ? SparkFixture.tinyPolicy(dir.resolve("policy"), 1) : Path.of(System.getProperty("bench.policy"));
    List<PromptRow> prompts = BestOfNGeneration.index(SparkFixture.prompts(PROMPTS));
    TokenizerSource tokenizer = TokenizerSource.of("demo");
    BestOfNGenerator generator = new BestOfNGenerator(
        new PolicySource(ShippedFolder.of(policy, "policy"), "djl", 1),
        RewardSource.lexicon(tokenizer), tokenizer, N, TieRule.STRICT,
        SamplingSpec.of(SamplingSettings.training(12)), 1);
    List<String> lines = new ArrayList<>();
    try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 2)) {
      double[] rate = new double[3];
      for (int executors = 1; executors <= 2; executors++) {
        SparkSession spark = session(cluster, executors);
        try {
          BestOfNGeneration job = new BestOfNGeneration(spark, generator, 8 * executors);
          for (int warmUp = 0; warmUp < WARM_UPS; warmUp++) {
            job.rows(prompts).count();
          }
          List<Double> seconds = new ArrayList<>();
          for (int repeat = 0; repeat < 3; repeat++) {
            long start = System.nanoTime();
            assertThat(job.rows(prompts).count()).isEqualTo(PROMPTS);
            seconds.add((System.nanoTime() - start) / 1e9);
          }
          double median = seconds.stream().sorted().toList().get(1);
          rate[executors] = PROMPTS * N / median;
          lines.add(String.format(Locale.ROOT, "{\"figure\": \"generation\", \"executors\": %d,"
              + " \"prompts\": %d, \"n\": %d, \"seconds\": %s, \"completions_per_s\": %.1f}",
              executors, PROMPTS, N, seconds, rate[executors]));
          if (executors == 2) {
            lines.add(taskOverhead(spark));
            lines.add(rollouts(spark, policy, tokenizer));
          }
        } finally {
          spark.stop();
          ExecutorCache.closeAll();
        }
      }
      lines.add(String.format(Locale.ROOT, "{\"figure\": \"speedup\", \"value\": %.2f}",
          rate[2] / rate[1]));
    }
    lines.forEach(System.out::println);
    Files.write(Path.of("target", "spark-bench.jsonl"), lines);
  }

  private static SparkSession session(StandaloneCluster cluster, int executors)
      throws InterruptedException {
    Map<String, String> settings = new java.util.HashMap<>(cluster.driverSettings());
    settings.put("spark.cores.max", String.valueOf(executors));
    SparkSession spark = SparkSessions.start(cluster.url(), "bond-spark benchmark", settings);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < executors + 1
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    return spark;
  }

  /** Seconds per task of a job whose tasks do nothing: scheduling, launch, result. */
  private static String taskOverhead(SparkSession spark) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      items.add(i);
    }
    context.parallelize(items, 400).count();
    long start = System.nanoTime();
    context.parallelize(items, 400).count();
    double perTask = (System.nanoTime() - start) / 1e9 / 400;
    return String.format(Locale.ROOT, "{\"figure\": \"task_overhead\", \"tasks\": 400,"
        + " \"executors\": 2, \"ms_per_task\": %.2f}", perTask * 1000);
  }

  /** J-BOND steps with Spark rollouts: the broadcast's cost against the step time. */
  private static String rollouts(SparkSession spark, Path policy, TokenizerSource tokenizer) {
    TrainablePolicy trained = BackendRegistry.discover().require("djl").load(policy,
        BackendOptions.builder().threads(1).build(), OptimizerSettings.defaults());
    SparkRollouts rollouts = new SparkRollouts(spark,
        new PolicySource(ShippedFolder.of(policy, "policy"), "djl", 1),
        RewardSource.lexicon(tokenizer), 4);
    BondTrainer jBond = Algorithms.jBond(trained, trained.snapshot(),
        new LexiconReward(SparkFixture.TOKENIZER), SparkFixture.prompts(64), 0.5, 0.05, 0.0,
        TrainingSettings.builder().batchSize(32).maxNewTokens(12).seed(1).build());
    BondTrainer trainer = new BondTrainer(jBond.config().toBuilder().rollouts(rollouts).build());
    List<Double> steps = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      steps.add(trainer.step().metrics().get("time/step"));
    }
    List<RolloutTiming> timings = rollouts.timings().subList(1, 6);
    double step = steps.subList(1, 6).stream().mapToDouble(Double::doubleValue).average()
        .orElseThrow();
    double prepare = timings.stream().mapToDouble(RolloutTiming::prepareSeconds).average()
        .orElseThrow();
    double fetch = timings.stream().mapToDouble(RolloutTiming::weightSeconds).average()
        .orElseThrow();
    double rollout = timings.stream().mapToDouble(RolloutTiming::rolloutSeconds).average()
        .orElseThrow();
    ((DecoderPolicy<?>) trained).close();
    return String.format(Locale.ROOT, "{\"figure\": \"rollout_broadcast\", \"bytes\": %d,"
        + " \"batch\": 32, \"step_s\": %.4f, \"rollout_s\": %.4f, \"driver_broadcast_s\": %.4f,"
        + " \"executor_fetch_and_load_s\": %.4f, \"broadcast_share_of_step\": %.3f}",
        timings.get(0).broadcastBytes(), step, rollout, prepare, fetch, (prepare + fetch) / step);
  }
}
