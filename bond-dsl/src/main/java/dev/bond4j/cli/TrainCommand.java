package dev.bond4j.cli;

import dev.bond4j.algorithm.PeriodicCheckpoint;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.backend.BackendRegistry;
import dev.bond4j.backend.RewardRegistry;
import dev.bond4j.model.RewardModel;
import dev.bond4j.config.PromptFiles;
import dev.bond4j.config.RunConfig;
import dev.bond4j.config.RunConfigLoader;
import dev.bond4j.config.Tokenizers;
import dev.bond4j.demo.LexiconReward;
import dev.bond4j.dsl.BondRun;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.sink.CsvSink;
import dev.bond4j.sink.JsonlSink;
import dev.bond4j.sink.ProgressBar;
import dev.bond4j.spi.Backend;
import java.nio.file.Path;
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

  @Option(names = "--resume", description = "Continue from the latest checkpoint under"
      + " OUT/checkpoints, if there is one.")
  private boolean resume;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RunConfig run = new RunConfigLoader().load(config);
    Backend backend = BackendRegistry.discover().require(run.backend());
    Tokenizer tokenizer = Tokenizers.open(run.tokenizer());
    TrainablePolicy policy = backend.load(run.policy(), run.options(), run.optimizer());
    Tokenizers.checkFits(tokenizer, policy.vocabularySize());
    RewardModel reward = run.rewardSpec().isEmpty() ? new LexiconReward(tokenizer)
        : RewardRegistry.discover().require(run.reward()).open(run.rewardSpec().get(), tokenizer);
    BondRun bond = new BondRun(run.algorithm(), policy, policy.snapshot(), reward,
        PromptFiles.read(run.prompts(), tokenizer));
    Trainer trainer = bond.trainer();
    Path checkpoints = run.out().resolve("checkpoints");
    if (resume && java.nio.file.Files.isRegularFile(checkpoints.resolve("latest"))) {
      trainer.resume(checkpoints);
      spec.commandLine().getOut().printf("Resumed after step %d.%n", trainer.steps());
    }
    if (run.checkpointEvery() > 0) {
      trainer.addListener(new PeriodicCheckpoint(trainer, checkpoints, run.checkpointEvery()));
    }
    boolean resumed = trainer.steps() > 0;
    try (JsonlSink jsonl = new JsonlSink(run.out().resolve("metrics.jsonl"), resumed);
        CsvSink csv = new CsvSink(run.out().resolve("metrics.csv"), resumed)) {
      trainer.addListener(jsonl);
      trainer.addListener(csv);
      trainer.addListener(new ProgressBar(spec.commandLine().getOut(),
          run.algorithm().algorithm().configName(), run.algorithm().steps(),
          System.console() != null));
      trainer.train((int) Math.max(0, run.algorithm().steps() - trainer.steps()));
    }
    trainer.checkpoint(checkpoints);
    policy.save(run.out().resolve("policy"));
    spec.commandLine().getOut().printf(
        "Wrote %s (metrics.jsonl, metrics.csv, policy/, checkpoints/).%n",
        run.out());
    return 0;
  }
}
