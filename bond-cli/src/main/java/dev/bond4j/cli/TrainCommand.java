package dev.bond4j.cli;

import dev.bond4j.Problems;
import dev.bond4j.algorithm.CheckpointStore;
import dev.bond4j.algorithm.PeriodicCheckpoint;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.backend.BackendRegistry;
import dev.bond4j.model.RetokenizedReward;
import dev.bond4j.model.RewardModel;
import dev.bond4j.config.PromptFiles;
import dev.bond4j.config.RunConfig;
import dev.bond4j.config.RunConfigLoader;
import dev.bond4j.config.Tokenizers;
import dev.bond4j.dsl.BondRun;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.sink.CsvSink;
import dev.bond4j.sink.JsonlSink;
import dev.bond4j.sink.ProgressBar;
import dev.bond4j.spi.Backend;
import dev.bond4j.value.Prompt;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bond train --config run.yaml}: trains a policy with the algorithm and settings of a
 * configuration file, writing metrics (JSONL, CSV) and the trained policy under its {@code out}.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a policy as a YAML or JSON configuration file describes.")
public final class TrainCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, required = true, description = "The run configuration.")
  private Path config;

  @Option(names = "--resume", description = "Continue from the newest intact checkpoint under"
      + " OUT/checkpoints, if there is one; the run's settings must match the checkpoint's.")
  private boolean resume;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RunConfig run = new RunConfigLoader().load(config);
    Backend backend = BackendRegistry.discover().require(run.backend());
    Tokenizer tokenizer = Tokenizers.open(run.tokenizer());
    try (TrainablePolicy policy = backend.load(run.policy(), ApplicationOptions.of(run.options()),
        run.optimizer())) {
      Tokenizers.checkFits(run.tokenizer(), tokenizer, policy.vocabularySize());
      Tokenizer rewardTokenizer = run.rewardTokenizer().map(Tokenizers::open).orElse(tokenizer);
      List<Prompt> prompts = PromptFiles.read(run.prompts(), tokenizer);
      try (RewardModel reward = reward(run, tokenizer, rewardTokenizer);
          BondRun bond = new BondRun(run.settings(), policy, policy.referenceSnapshot(), reward,
              prompts, true);
          Trainer trainer = bond.trainer()) {
        train(run, policy, trainer);
      }
    }
    return 0;
  }

  /** The configured reward, reading the policy's token ids. */
  private static RewardModel reward(RunConfig run, Tokenizer tokenizer,
      Tokenizer rewardTokenizer) {
    RewardModel reward = run.reward().open(run.rewardSpec(), rewardTokenizer);
    return rewardTokenizer == tokenizer ? reward
        : new RetokenizedReward(reward, tokenizer, rewardTokenizer);
  }

  /** Resumes or starts the run, trains it, checkpoints it and saves the policy. */
  private void train(RunConfig run, TrainablePolicy policy, Trainer trainer) throws IOException {
    trainer.identity().put("reward", run.reward())
        .put("reward.spec", run.rewardSpec().map(Object::toString).orElse("(none)"))
        .put("reward.tokenizer", String.valueOf(run.rewardTokenizer().orElse(null)))
        .put("lora", run.options().lora().map(Object::toString).orElse("(none)"))
        .putFileDigest("model.config", run.policy().resolve("config.json"));
    CheckpointStore store = new CheckpointStore(run.out().resolve("checkpoints"),
        run.keepCheckpoints());
    PrintWriter out = spec.commandLine().getOut();
    int steps = run.settings().steps();
    if (resume && !store.isEmpty()) {
      CheckpointStore.Found found = trainer.resume(store);
      Problems.require(found.step() <= steps, "steps", steps, "at least the step of the"
          + " checkpoint resumed from, " + found.step() + " (a resume may raise steps, not lower"
          + " them)");
      out.printf("Resumed after step %d%s.%n", trainer.steps(), found.damaged().isEmpty() ? ""
          : " (skipped, as damaged: " + String.join(", ", found.damaged()) + ")");
    } else {
      Problems.require(store.isEmpty(), "out", run.out().toString(), "a folder without"
          + " checkpoints, or --resume to continue the run checkpointed there");
    }
    try (JsonlSink jsonl = new JsonlSink(run.out().resolve("metrics.jsonl"), trainer.steps());
        CsvSink csv = new CsvSink(run.out().resolve("metrics.csv"), trainer.steps())) {
      // The metrics of a step are written before its checkpoint, so a resume never lacks a row.
      trainer.addListener(jsonl);
      trainer.addListener(csv);
      if (run.checkpointEvery() > 0) {
        trainer.addListener(new PeriodicCheckpoint(trainer, store, run.checkpointEvery()));
      }
      String algorithm = run.settings().algorithm().algorithm().configName();
      trainer.addListener(new ProgressBar(out, algorithm, steps,
          System.console() != null));
      trainer.train((int) (steps - trainer.steps()));
    }
    trainer.checkpoint(store);
    policy.save(run.out().resolve("policy"));
    out.printf("Wrote %s (metrics.jsonl, metrics.csv, policy/, checkpoints/).%n", run.out());
  }
}
