package dev.bond4j.dsl;

import dev.bond4j.algorithm.Trainer;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.value.Prompt;
import java.util.List;

/**
 * A fully specified training run: the validated {@link RunSettings} and the components it
 * trains with. It is immutable; {@link #toBuilder()} derives variants and {@link #trainer()}
 * starts training. A run owns its reference when it made it (the snapshot {@link
 * RunBuilder#build()} takes when no reference was given): {@link #close} frees it then, and
 * nothing else. A run derived by {@link #toBuilder()} shares that reference: close this run last.
 *
 * @param settings the algorithm, its knobs, the shared settings and the steps
 * @param policy the policy to train
 * @param reference the reference policy {@code π_ref}
 * @param reward the reward model
 * @param prompts the training prompts
 * @param ownsReference whether {@link #close} closes {@code reference}
 */
public record BondRun(RunSettings settings, TrainablePolicy policy, Policy reference,
    RewardModel reward, List<Prompt> prompts, boolean ownsReference) implements AutoCloseable {

  /** Copies the prompt list. */
  public BondRun {
    prompts = List.copyOf(prompts);
  }

  /** A run over a reference its caller owns (and closes). */
  public BondRun(RunSettings settings, TrainablePolicy policy, Policy reference,
      RewardModel reward, List<Prompt> prompts) {
    this(settings, policy, reference, reward, prompts, false);
  }

  /** Closes the reference when the run made it; the policy and reward stay open. */
  @Override
  public void close() {
    if (ownsReference) {
      reference.close();
    }
  }

  /** A builder holding this run: its algorithm's knobs stay, the rest may change. */
  public RunBuilder<?> toBuilder() {
    return new DerivedBuilder(settings).policy(policy).reference(reference).reward(reward)
        .prompts(prompts);
  }

  /**
   * A trainer for this run. The anchor, when the algorithm has a moving one, starts at the
   * policy's parameters now. The algorithm and its knobs join the run's identity, so that a
   * resume with other settings is refused.
   */
  public Trainer trainer() {
    AlgorithmSettings knobs = settings.algorithm();
    Trainer trainer = knobs.trainer(policy, reference, reward, prompts, settings.training());
    trainer.identity().put("settings.algorithm", knobs.algorithm().configName());
    knobs.algorithm().settings().values(knobs)
        .forEach((name, value) -> trainer.identity().put("settings." + name, value));
    return trainer;
  }
}
