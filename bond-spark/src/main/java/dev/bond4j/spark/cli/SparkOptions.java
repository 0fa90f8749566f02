package dev.bond4j.spark.cli;

import dev.bond4j.Problems;
import dev.bond4j.cli.ModelOptions;
import dev.bond4j.config.RewardKind;
import dev.bond4j.spark.BestOfNGeneration;
import dev.bond4j.spark.ExecutorCache;
import dev.bond4j.spark.PolicySource;
import dev.bond4j.spark.PromptInput;
import dev.bond4j.spark.PromptRow;
import dev.bond4j.spark.RewardSource;
import dev.bond4j.spark.ShippedFolder;
import dev.bond4j.spark.SparkSessions;
import dev.bond4j.spark.TokenizerSource;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every {@code bond-spark} job shares: cluster, models, reward, seed. */
final class SparkOptions {
  @Option(names = "--master", defaultValue = "local[*]",
      description = "local[*] (embedded, the default), local[N] or spark://HOST:PORT.")
  String master;

  @Option(names = "--partitions", defaultValue = "0",
      description = "Tasks the prompts are split into (default: 4 x the cluster's cores).")
  int partitions;

  @Option(names = "--conf", description = "A Spark setting KEY=VALUE; repeatable.")
  Map<String, String> conf = new LinkedHashMap<>();

  @Mixin
  ModelOptions model;

  @Option(names = "--reward", defaultValue = "lexicon",
      description = "lexicon (the demo's) or a reward provider such as onnx"
          + " (default: ${DEFAULT-VALUE}).")
  String reward;

  @Option(names = "--reward-model", description = "The reward model file (for a provider).")
  Path rewardModel;

  @Option(names = "--reward-output", defaultValue = "logits",
      description = "The reward model's output (default: ${DEFAULT-VALUE}).")
  String rewardOutput;

  @Option(names = "--reward-label", defaultValue = "-1",
      description = "The label whose score is the reward; -1: a scalar head.")
  int rewardLabel;

  @Option(names = "--reward-max-length", defaultValue = "128",
      description = "Longest sequence the reward model scores (default: ${DEFAULT-VALUE}).")
  int rewardMaxLength;

  @Option(names = "--seed", defaultValue = "1", description = "Run seed (default: 1).")
  long seed;

  /** Checks the options that need no file. */
  void check() {
    Problems.of("bond-spark").atLeast("--partitions", partitions, 0)
        .atLeast("--threads", model.threads(), 1)
        .check(RewardKind.parse(reward).readsModelFile() == (rewardModel != null),
            "--reward-model", rewardModel, rewardModel == null
                ? "the model file of --reward " + reward : "no model file with --reward " + reward)
        .throwIfAny();
  }

  private SparkSession session;

  /** The session, started on first use. */
  SparkSession session(String app) {
    if (session == null) {
      session = SparkSessions.start(master, app, conf);
    }
    return session;
  }

  /** Stops the session, if started, and closes the models this JVM loaded. */
  void stop() {
    if (session != null) {
      session.stop();
      session = null;
    }
    ExecutorCache.closeAll();
  }

  /** The prompts of {@code file}, indexed; Spark starts here only to read Parquet. */
  List<PromptRow> prompts(Path file, String app) {
    return BestOfNGeneration.index(PromptInput.read(file, tokenizer().open(),
        () -> session(app)));
  }

  /** The tasks to split {@code prompts} prompts into. */
  int partitions(SparkSession spark, int prompts) {
    int wanted = partitions > 0 ? partitions : 4 * spark.sparkContext().defaultParallelism();
    return Math.max(1, Math.min(wanted, prompts));
  }

  /** The policy in {@code folder}. */
  PolicySource policy(Path folder, String field) {
    return new PolicySource(ShippedFolder.of(folder, field), model.backend(),
        model.threads());
  }

  /** The tokenizer. */
  TokenizerSource tokenizer() {
    return TokenizerSource.of(model.tokenizer());
  }

  /** The reward model. */
  RewardSource reward() {
    return !RewardKind.parse(reward).readsModelFile() ? RewardSource.lexicon(tokenizer())
        : new RewardSource(reward, ShippedFolder.of(rewardModel, "--reward-model"), rewardOutput,
            rewardLabel, rewardMaxLength, tokenizer());
  }
}
