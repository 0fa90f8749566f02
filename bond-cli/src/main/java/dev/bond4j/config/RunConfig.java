package dev.bond4j.config;

import dev.bond4j.Problems;
import dev.bond4j.algorithm.CheckpointStore;
import dev.bond4j.dsl.RunSettings;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.RewardSpec;
import dev.bond4j.value.BondStyle;
import dev.bond4j.value.OptimizerSettings;
import java.nio.file.Path;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * A training run as a configuration file describes it: where the policy, prompts and reward come
 * from, the engine, the optimizer and the algorithm's knobs, all validated. Its attributes are
 * the file's keys ({@link RunConfigLoader}), except {@link #options()}, {@link #rewardSpec()} and
 * {@link #settings()}, whose own attributes are.
 */
@Value.Immutable
@BondStyle
public abstract class RunConfig {
  /** The backend's name ({@code djl}, ...). */
  @Value.Default
  public String backend() {
    return "djl";
  }

  /** Device, threads, precision and adapter: the keys {@code device}, {@code threads}, .... */
  @Value.Default
  public BackendOptions options() {
    return BackendOptions.defaults();
  }

  /** HuggingFace-layout directory of the reference policy. */
  public abstract Path policy();

  /**
   * {@code byte} (one token per UTF-8 byte), {@code demo} (the demo's words), or the path of a
   * {@code tokenizer.json} or a model folder holding one.
   */
  @Value.Default
  public String tokenizer() {
    return BuiltInTokenizer.BYTE.configName();
  }

  /** A JSONL file ({@code {"id": ..., "text": ...}} per line) or plain text, one per line. */
  public abstract Path prompts();

  /** The reward's kind: {@code lexicon} or a reward provider on the class path. */
  @Value.Default
  public RewardKind reward() {
    return RewardKind.lexicon();
  }

  /** The reward model's file and output, for a provided reward: the keys {@code reward...}. */
  public abstract Optional<RewardSpec> rewardSpec();

  /** The reward model's tokenizer when it is not the policy's. */
  public abstract Optional<String> rewardTokenizer();

  /** The optimizer settings: the {@code optimizer} block. */
  @Value.Default
  public OptimizerSettings optimizer() {
    return OptimizerSettings.defaults();
  }

  /** The algorithm, its knobs, the shared training settings and the steps. */
  @Value.Default
  public RunSettings settings() {
    return RunSettings.builder().build();
  }

  /** The directory metrics and checkpoints go to. */
  @Value.Default
  public Path out() {
    return Path.of("bond-runs", "train");
  }

  /** Steps between checkpoints under {@code out/checkpoints}; 0: only at the end. */
  @Value.Default
  public int checkpointEvery() {
    return 0;
  }

  /** How many of the newest checkpoints to keep. */
  @Value.Default
  public int keepCheckpoints() {
    return CheckpointStore.DEFAULT_KEEP;
  }

  /** A builder with the defaults. */
  public static ImmutableRunConfig.Builder builder() {
    return ImmutableRunConfig.builder();
  }

  @Value.Check
  protected void check() {
    Problems.of("config")
        .check(checkpointEvery() >= 0, "checkpointEvery", checkpointEvery(),
            "a number of steps >= 0 (0: only at the end)")
        .check(keepCheckpoints() >= 1, "keepCheckpoints", keepCheckpoints(),
            "a number of checkpoints >= 1")
        .throwIfAny();
  }
}
