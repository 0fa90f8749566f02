package dev.bond4j.algorithm;

import dev.bond4j.anchor.Anchor;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.random.Seeds;
import dev.bond4j.rollout.RolloutBatch;
import dev.bond4j.rollout.RolloutRequest;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.UpdateResult;
import dev.bond4j.value.WeightedSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * REINFORCE with leave-one-out baseline (SPEC S8): {@code k} policy samples per prompt, returns
 * {@code R_i = r(y_i) − β_RL (log π(y_i) − log π_ref(y_i))}, advantages
 * {@code A_i = R_i − mean_{j≠i} R_j} within the prompt, loss {@code −sg(A_i) log π(y_i)} averaged
 * over all samples.
 */
public final class ReinforceTrainer extends AbstractTrainer<ReinforceTrainer.Estimates> {
  private final ReinforceConfig config;

  /** A trainer for {@code config}. */
  public ReinforceTrainer(ReinforceConfig config) {
    super(config.prompts(), config.settings(), config.policy(), config.samplesPerPrompt());
    this.config = config;
  }

  /** The configuration. */
  public ReinforceConfig config() {
    return config;
  }

  @Override
  TrainablePolicy policy() {
    return config.policy();
  }

  /** REINFORCE has no anchor: its KL penalty is against the fixed reference. */
  @Override
  Anchor anchor() {
    return Anchor.fixed(config.reference());
  }

  @Override
  void describe(RunIdentity identity) {
    identity.put("trainer", "reinforce").put("samplesPerPrompt", config.samplesPerPrompt())
        .put("klCoefficient", config.klCoefficient());
  }

  /** No anchor stage: the KL penalty is against the fixed reference. */
  @Override
  boolean movesAnchor() {
    return false;
  }

  /**
   * What REINFORCE's estimate stage computes: log-probabilities and KL-penalised returns;
   * {@code logRef} is null on the steps that skip the reference.
   */
  record Estimates(Rewards rewards, double[] logPi, double[] logRef, double[] returns) {}

  @Override
  Samples sample(long step, List<Prompt> prompts) {
    RolloutBatch rollouts = config.rollouts().generate(new RolloutRequest(step, prompts,
        config.policy(), config.samplesPerPrompt(), seeds.seed(Seeds.POLICY_SAMPLING, step),
        config.reference(), 0, 0, config.reward(),
        SamplingSettings.training(settings.maxNewTokens())));
    return new Samples(prompts, rollouts, 0);
  }

  @Override
  Estimates estimate(long step, Rewards rewards) {
    List<Completion> samples = rewards.samples().policy();
    int total = samples.size();
    double[] logPi = new double[total];
    for (int i = 0; i < total; i++) {
      logPi[i] = samples.get(i).logProb();
    }
    NonFiniteGuard.requireFinite(step, "policy log-probability", logPi);
    double[] returns = rewards.all().clone();
    // A KL penalty needs the reference every step (ReinforceConfig refuses a cadence then);
    // without one the reference only feeds kl/ref, and r − 0 · (log π − log π_ref) is r.
    double[] logRef = null;
    if (settings.scoresReference(step)) {
      logRef = config.reference().logProbs(samples);
      NonFiniteGuard.requireFinite(step, "reference log-probability", logRef);
      for (int i = 0; i < total; i++) {
        returns[i] = rewards.all()[i] - config.klCoefficient() * (logPi[i] - logRef[i]);
      }
    }
    return new Estimates(rewards, logPi, logRef, returns);
  }

  @Override
  Weights weigh(long step, Estimates estimates) {
    int k = config.samplesPerPrompt();
    int total = estimates.returns().length;
    double[] weights = new double[total];
    for (int p = 0; p < total / k; p++) {
      double[] group = new double[k];
      System.arraycopy(estimates.returns(), p * k, group, 0, k);
      double[] advantages = leaveOneOut(group);
      for (int j = 0; j < k; j++) {
        weights[p * k + j] = advantages[j] / total;
      }
    }
    checkWeights(step, "backward", weights);
    List<WeightedSequence> weighted = new ArrayList<>(total);
    addWeighted(weighted, estimates.rewards().samples().policy(), weights);
    return new Weights(new double[0], weights, new double[0], weighted);
  }

  @Override
  void report(Estimates estimates, Weights weights, UpdateResult update, boolean anchorMoved,
      Map<String, Double> metrics) {
    List<Completion> samples = estimates.rewards().samples().policy();
    int total = samples.size();
    double[] logPi = estimates.logPi();
    double lossBackward = 0;
    long tokens = 0;
    for (int i = 0; i < total; i++) {
      lossBackward -= weights.backward()[i] * logPi[i];
      tokens += samples.get(i).completion().length();
    }
    double[] rewards = estimates.rewards().all();
    metrics.put(Metrics.REWARD_MEAN, mean(rewards));
    metrics.put(Metrics.REWARD_STD, std(rewards));
    if (estimates.logRef() != null) {
      metrics.put(Metrics.KL_REF, mean(BondTrainer.subtract(logPi, estimates.logRef())));
    }
    metrics.put(Metrics.LOSS_BACKWARD, lossBackward);
    metrics.put(Metrics.LOSS_TOTAL, update == null ? 0.0 : update.loss());
    metrics.put(Metrics.GRAD_NORM, update == null ? 0.0 : update.gradientNorm());
    metrics.put(Metrics.LEARNING_RATE, update == null ? 0.0 : update.learningRate());
    metrics.put(Metrics.LENGTH, (double) tokens / total);
    metrics.put(Metrics.ENTROPY, -mean(logPi));
  }
}
