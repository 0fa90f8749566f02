package dev.bond4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.BondTrainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.backend.BackendRegistry;
import dev.bond4j.demo.LexiconReward;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.decoder.DecoderPolicy;
import dev.bond4j.random.Seeds;
import dev.bond4j.rollout.RolloutBatch;
import dev.bond4j.rollout.RolloutRequest;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** J-BOND with its rollouts on Spark executors ({@code local[2]}), the learner on the driver. */
class SparkRolloutsTest {
  @TempDir
  static Path dir;

  private static SparkSession spark;
  private static Path folder;
  private static final List<Prompt> PROMPTS = SparkFixture.prompts(6);

  @BeforeAll
  static void start() {
    spark = SparkFixture.local(2, 1);
    folder = SparkFixture.tinyPolicy(dir.resolve("policy"), 6);
  }

  @AfterAll
  static void stop() {
    spark.stop();
    ExecutorCache.closeAll();
  }

  private static TrainablePolicy load() {
    return BackendRegistry.discover().require("djl").load(folder,
        BackendOptions.builder().threads(1).build(), OptimizerSettings.defaults());
  }

  private static SparkRollouts rollouts(int partitions) {
    TokenizerSource tokenizer = TokenizerSource.of("demo");
    return new SparkRollouts(spark, new PolicySource(ShippedFolder.of(folder, "policy"), "djl", 1),
        RewardSource.lexicon(tokenizer), partitions);
  }

  /** Three J-BOND steps with rollouts on {@code partitions} tasks: the metrics and the weights. */
  private static List<Object> train(SparkRollouts rollouts) {
    TrainablePolicy policy = load();
    BondTrainer jBond = Algorithms.jBond(policy, policy.snapshot(),
        new LexiconReward(SparkFixture.TOKENIZER), PROMPTS, 0.5, 0.05, 0.0,
        TrainingSettings.builder().batchSize(4).maxNewTokens(6).seed(3).build());
    BondTrainer trainer = new BondTrainer(jBond.config().toBuilder().rollouts(rollouts).build());
    List<Object> seen = new ArrayList<>();
    for (int step = 0; step < 3; step++) {
      seen.add(trainer.step().metrics().get("reward/mean"));
    }
    float[] weights = ((DecoderPolicy<?>) policy).parameters();
    seen.add(java.util.Arrays.toString(weights));
    ((DecoderPolicy<?>) policy).close();
    return seen;
  }

  @Test
  void trainsTheSameForOneAndThreePartitionsAndTimesTheBroadcast() {
    SparkRollouts one = rollouts(1);
    List<Object> first = train(one);
    assertThat(train(rollouts(3))).isEqualTo(first);
    assertThat(one.timings()).hasSize(3).allSatisfy(t -> {
      assertThat(t.broadcastBytes()).isGreaterThan(2 * 4 * 1000L);
      assertThat(t.prepareSeconds()).isPositive().isLessThan(t.rolloutSeconds());
      assertThat(t.weightSeconds()).isPositive();
    });
  }

  @Test
  void executorsSampleTheDriversCurrentWeights() {
    TrainablePolicy policy = load();
    BondTrainer trainer = Algorithms.jBond(policy, policy.snapshot(),
        new LexiconReward(SparkFixture.TOKENIZER), PROMPTS, 0.5, 0.05, 0.0,
        TrainingSettings.builder().batchSize(4).maxNewTokens(6).seed(4).build());
    trainer.step();
    trainer.step();
    Seeds seeds = new Seeds(9);
    RolloutBatch batch = rollouts(2).generate(new RolloutRequest(3, PROMPTS, policy, 2,
        seeds.seed(Seeds.POLICY_SAMPLING, 3), trainer.config().anchor().policy(), 2,
        seeds.seed(Seeds.ANCHOR_SAMPLING, 3), new LexiconReward(SparkFixture.TOKENIZER),
        SamplingSettings.training(6)));
    assertThat(batch.policy()).hasSize(12);
    assertThat(batch.anchor()).hasSize(12);
    double[] driver = policy.logProbs(batch.policy());
    double[] anchor = trainer.config().anchor().policy().logProbs(batch.anchor());
    for (int i = 0; i < driver.length; i++) {
      assertThat(batch.policy().get(i).logProb()).isCloseTo(driver[i], within(1e-4));
      assertThat(batch.anchor().get(i).logProb()).isCloseTo(anchor[i], within(1e-4));
    }
    assertThat(batch.rewards()).containsExactly(new LexiconReward(SparkFixture.TOKENIZER)
        .score(batch.all()));
    ((DecoderPolicy<?>) policy).close();
  }
}
