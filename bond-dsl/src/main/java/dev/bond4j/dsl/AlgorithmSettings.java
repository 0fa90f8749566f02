package dev.bond4j.dsl;

import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.value.Prompt;
import java.util.List;

/**
 * The knobs of one algorithm, a closed family: each algorithm's settings type holds exactly the
 * knobs it reads, so a knob of another algorithm cannot be given (in Java or Kotlin it does not
 * compile; in a configuration file it is refused by name). The settings every algorithm shares
 * are {@link TrainingSettings}; {@link RunSettings} holds both and the number of steps.
 */
public sealed interface AlgorithmSettings permits JBondSettings, BondSettings,
    IterativeBondSettings, VBoNSettings, BestOfNSftSettings, ReinforceSettings {
  /** The algorithm these settings configure. */
  Algorithm algorithm();

  /**
   * A trainer of this algorithm with these knobs.
   *
   * @param policy the policy to train
   * @param reference the reference policy {@code π_ref}
   * @param reward the reward model
   * @param prompts the training prompts
   * @param training the settings every algorithm shares
   */
  Trainer trainer(TrainablePolicy policy, Policy reference, RewardModel reward,
      List<Prompt> prompts, TrainingSettings training);
}
