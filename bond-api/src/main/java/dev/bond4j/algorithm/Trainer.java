package dev.bond4j.algorithm;

import dev.bond4j.value.StepReport;
import java.nio.file.Path;

/**
 * A training loop that advances one step at a time. Every step is the pipeline sample → score →
 * estimate → weigh → update → move anchor → log, and returns a {@link StepReport} with the metrics
 * of SPEC S10.
 *
 * <p>A trainer owns the snapshots its anchor made (J-BOND's EMA, iterative BOND's periodic copy)
 * and frees them in {@link #close}; the policy, reference and reward it was given stay open, as
 * their owner's to close.
 */
public interface Trainer extends AutoCloseable {
  /** Runs one step and reports it. */
  StepReport step();

  /** Steps run so far. */
  long steps();

  /**
   * Writes everything needed to resume exactly after the current step (policy with optimizer
   * state, anchor, step, the run's {@link #identity()}) to {@code store}'s {@code step-N} folder,
   * crash-safely, and marks it as the latest. Random streams derive from the seed and the step, so
   * they need no saving.
   *
   * @return the checkpoint's folder
   */
  Path checkpoint(CheckpointStore store);

  /** {@link #checkpoint(CheckpointStore)} into {@code directory}, keeping the default number. */
  default Path checkpoint(Path directory) {
    return checkpoint(new CheckpointStore(directory));
  }

  /**
   * Restores the newest intact checkpoint of {@code store}; the next step continues the run.
   *
   * @return the checkpoint resumed from, with the damaged newer ones it skipped
   * @throws dev.bond4j.InvalidArgumentException when there is no intact checkpoint, or the
   *     checkpoint's run identity differs from this run's (every difference is named)
   */
  CheckpointStore.Found resume(CheckpointStore store);

  /** {@link #resume(CheckpointStore)} from {@code directory}. */
  default CheckpointStore.Found resume(Path directory) {
    return resume(new CheckpointStore(directory));
  }

  /**
   * The identity of this run, which checkpoints record and a resume compares. Callers may add
   * entries the trainer cannot know (the reward's spec, the model's file) before the first
   * checkpoint or resume.
   */
  RunIdentity identity();

  /**
   * Where this run's results come from: the bond4j build, the JVM, the policy's engine, device
   * and precision, a hash of the run's {@link #identity()} and its seed. Every checkpoint holds it
   * ({@code provenance.json}), and listeners receive it before the first step.
   */
  RunProvenance provenance();

  /** Registers a listener called at every step. */
  void addListener(TrainingListener listener);

  /**
   * Closes what the trainer created (its anchor's snapshot); not the policy, reference or reward
   * it was given. The trainer must not step afterwards. Closing twice does nothing.
   */
  @Override
  default void close() {}

  /**
   * Runs {@code count} steps. Their reports go to the listeners and none is kept, so a run of any
   * length holds the memory of one step; a {@link MetricsRecorder} keeps them when wanted.
   */
  default void train(int count) {
    for (int i = 0; i < count; i++) {
      step();
    }
  }
}
