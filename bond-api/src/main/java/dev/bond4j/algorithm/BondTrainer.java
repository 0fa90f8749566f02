package dev.bond4j.algorithm;

import dev.bond4j.anchor.Anchor;
import dev.bond4j.anchor.EmaAnchor;
import dev.bond4j.anchor.PeriodicAnchor;
import dev.bond4j.math.BestOfNSelector;
import dev.bond4j.model.Policy;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.random.Seeds;
import dev.bond4j.rollout.RolloutBatch;
import dev.bond4j.rollout.RolloutRequest;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.Rollout;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.UpdateResult;
import dev.bond4j.value.WeightedSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * BOND against a moving or fixed anchor, in the Jeffreys form of SPEC S5 and S7. One step, for
 * each prompt {@code x} of the batch:
 *
 * <ol>
 *   <li>sample one policy completion {@code y ~ π_t} and {@code A} anchor completions, all at
 *       temperature 1 ({@code A = max(N, samples the estimate needs)}; J-BOND: {@code A = 2});
 *   <li>score all of them;
 *   <li>estimate {@code r̂_BOND(y)} from the anchor samples, and pick the Best-of-N {@code y_BoN}
 *       of the first {@code N} anchor samples under the tie rule;
 *   <li>weigh: the return {@code R(y) = r̂_BOND(y) − β_BOND (log π_t(y) − log π_anc(y))} with
 *       {@code β_BOND = 1/(N−1)}, minus the leave-one-out mean of the other prompts' returns, and
 *       the surrogate loss (averaged over prompts)
 *       {@code L = −(1−β) log π(y_BoN) − β (N−1) sg(R − b) log π(y) + γ sg(log π_t − log π_anc)
 *       log π(y)};
 *   <li>take one optimizer step on those weights;
 *   <li>move the anchor (EMA, periodic copy, or not at all);
 *   <li>report the metrics of SPEC S10.
 * </ol>
 *
 * With {@code N = 2}, the two-sample estimate and an EMA anchor this is exactly J-BOND (SPEC S7,
 * where the factor {@code N−1} is 1). The anchor samples serve both the Best-of-N target and the
 * reward estimate, as J-BOND's do; each use is unbiased on its own.
 */
public final class BondTrainer extends AbstractTrainer<BondTrainer.Estimates> {
  private final BondConfig config;

  /** A trainer for {@code config}; nothing runs until {@link #step()}. */
  public BondTrainer(BondConfig config) {
    super(config.prompts(), config.settings(), config.policy(), 1 + anchorCount(config));
    this.config = config;
  }

  /** Anchor samples per prompt: N for the Best-of-N target, or what the estimate needs. */
  private static int anchorCount(BondConfig config) {
    boolean forward = config.divergence().forwardWeight() > 0;
    return Math.max(forward ? config.n() : 0, config.estimate().anchorSamples());
  }

  /** The configuration. */
  public BondConfig config() {
    return config;
  }

  @Override
  TrainablePolicy policy() {
    return config.policy();
  }

  @Override
  Anchor anchor() {
    return config.anchor();
  }

  @Override
  void describe(RunIdentity identity) {
    identity.put("trainer", "bond").put("n", config.n())
        .put("beta", config.divergence().beta()).put("gamma", config.gamma())
        .put("estimate", config.estimate().getClass().getSimpleName() + "("
            + config.estimate().anchorSamples() + " anchor samples)")
        .put("anchor", anchorDescription(config.anchor()));
  }

  private static String anchorDescription(Anchor anchor) {
    if (anchor instanceof EmaAnchor ema) {
      return "ema(eta=" + ema.eta() + ")";
    }
    if (anchor instanceof PeriodicAnchor periodic) {
      return "periodic(every=" + periodic.every() + ")";
    }
    return "fixed";
  }

  @Override
  boolean movesAnchor() {
    return true;
  }

  /**
   * What BOND's estimate stage computes: the log-probabilities of the policy samples under the
   * policy, the anchor and the reference ({@code logRef} is null on the steps that skip the
   * reference, see {@link TrainingSettings#referenceEvery}), the rewards split by source, {@code
   * r̂_BOND} and the Best-of-N picks.
   */
  record Estimates(Samples samples, double[] logPi, double[] logAnchor, double[] logRef,
      double[] logRatio, double[] policyRewards, double[] anchorRewards, double[] rHat,
      List<Completion> bestOfN) {}

  @Override
  Samples sample(long step, List<Prompt> prompts) {
    int anchorCount = anchorCount(config);
    RolloutBatch rollouts = config.rollouts().generate(new RolloutRequest(step, prompts,
        config.policy(), 1, seeds.seed(Seeds.POLICY_SAMPLING, step), config.anchor().policy(),
        anchorCount, seeds.seed(Seeds.ANCHOR_SAMPLING, step), config.reward(),
        SamplingSettings.training(settings.maxNewTokens())));
    return new Samples(prompts, rollouts, anchorCount);
  }

  @Override
  Estimates estimate(long step, Rewards scored) {
    Samples samples = scored.samples();
    double[] rewards = scored.all();
    List<Completion> policySamples = samples.policy();
    List<Completion> anchorSamples = samples.anchor();
    int batch = policySamples.size();
    int anchorCount = samples.anchorCount();
    Policy anchor = config.anchor().policy();
    double[] logPi = new double[batch];
    for (int i = 0; i < batch; i++) {
      logPi[i] = policySamples.get(i).logProb();
    }
    double[] logAnchor = anchor.logProbs(policySamples);
    double[] logRef = null;
    if (settings.scoresReference(step)) {
      logRef = config.reference() == anchor ? logAnchor
          : config.reference().logProbs(policySamples);
    }
    NonFiniteGuard.requireFinite(step, "policy log-probability", logPi);
    NonFiniteGuard.requireFinite(step, "anchor log-probability", logAnchor);
    if (logRef != null) {
      NonFiniteGuard.requireFinite(step, "reference log-probability", logRef);
    }
    List<Rollout> policyRollouts = new ArrayList<>(batch);
    List<List<Rollout>> anchorGroups = new ArrayList<>(batch);
    double[] policyRewards = new double[batch];
    double[] anchorRewards = new double[batch * anchorCount];
    for (int i = 0; i < batch; i++) {
      policyRewards[i] = rewards[i];
      policyRollouts.add(Rollout.of(policySamples.get(i), rewards[i]));
      List<Rollout> group = new ArrayList<>(anchorCount);
      for (int k = 0; k < anchorCount; k++) {
        int index = i * anchorCount + k;
        anchorRewards[index] = rewards[batch + index];
        group.add(Rollout.of(anchorSamples.get(index), rewards[batch + index]));
      }
      anchorGroups.add(group);
    }
    double[] rHat = config.estimate().estimate(samples.prompts(), policyRollouts, anchorGroups);
    boolean forward = config.divergence().forwardWeight() > 0;
    List<Completion> bestOfN = forward ? selectBest(anchorGroups, config.n(), step) : List.of();
    double[] logRatio = subtract(logPi, logAnchor);
    return new Estimates(samples, logPi, logAnchor, logRef, logRatio, policyRewards,
        anchorRewards, rHat, bestOfN);
  }

  @Override
  Weights weigh(long step, Estimates estimates) {
    int batch = estimates.logPi().length;
    int n = config.n();
    double beta = config.divergence().beta();
    double betaBond = 1.0 / (n - 1);
    double[] returns = new double[batch];
    for (int i = 0; i < batch; i++) {
      returns[i] = estimates.rHat()[i] - betaBond * estimates.logRatio()[i];
    }
    double[] advantages = leaveOneOut(returns);
    List<Completion> bestOfN = estimates.bestOfN();
    double[] forwardWeights = new double[bestOfN.size()];
    double[] backwardWeights = new double[batch];
    double[] regWeights = new double[batch];
    double[] policyWeights = new double[batch];
    for (int i = 0; i < bestOfN.size(); i++) {
      forwardWeights[i] = config.divergence().forwardWeight() / batch;
    }
    for (int i = 0; i < batch; i++) {
      backwardWeights[i] = beta * (n - 1) * advantages[i] / batch;
      regWeights[i] = -config.gamma() * estimates.logRatio()[i] / batch;
      policyWeights[i] = backwardWeights[i] + regWeights[i];
    }
    checkWeights(step, "forward", forwardWeights);
    checkWeights(step, "backward", backwardWeights);
    checkWeights(step, "reg", regWeights);
    List<WeightedSequence> weighted = new ArrayList<>(bestOfN.size() + batch);
    addWeighted(weighted, bestOfN, forwardWeights);
    addWeighted(weighted, estimates.samples().policy(), policyWeights);
    return new Weights(forwardWeights, backwardWeights, regWeights, weighted);
  }

  @Override
  void report(Estimates estimates, Weights weights, UpdateResult update, boolean moved,
      Map<String, Double> metrics) {
    List<Completion> policySamples = estimates.samples().policy();
    int batch = policySamples.size();
    boolean forward = config.divergence().forwardWeight() > 0;
    double[] logPi = estimates.logPi();
    double lossBackward = 0;
    double lossReg = 0;
    double length = 0;
    for (int i = 0; i < batch; i++) {
      lossBackward -= weights.backward()[i] * logPi[i];
      lossReg -= weights.reg()[i] * logPi[i];
      length += policySamples.get(i).completion().length();
    }
    metrics.put(Metrics.REWARD_MEAN, mean(estimates.policyRewards()));
    metrics.put(Metrics.REWARD_STD, std(estimates.policyRewards()));
    if (estimates.samples().anchorCount() > 0) {
      metrics.put(Metrics.REWARD_ANCHOR_MEAN, mean(estimates.anchorRewards()));
      metrics.put(Metrics.REWARD_ANCHOR_STD, std(estimates.anchorRewards()));
    }
    if (estimates.logRef() != null) {
      metrics.put(Metrics.KL_REF, mean(subtract(logPi, estimates.logRef())));
    }
    metrics.put(Metrics.KL_ANCHOR, mean(estimates.logRatio()));
    metrics.put(Metrics.BOND_REWARD_MEAN, mean(estimates.rHat()));
    config.estimate().addMetrics(estimates.rHat(), metrics);
    // The update's loss is −Σ w log π over both terms at the parameters before the step; the policy
    // samples' part is known from their sampling log-probs, so the forward term needs no extra
    // forward pass over the Best-of-N samples.
    double lossTotal = update == null ? 0.0 : update.loss();
    double lossForward = forward ? lossTotal - lossBackward - lossReg : 0.0;
    metrics.put(Metrics.LOSS_FORWARD, lossForward);
    metrics.put(Metrics.LOSS_BACKWARD, lossBackward);
    metrics.put(Metrics.LOSS_REG, lossReg);
    metrics.put(Metrics.LOSS_TOTAL, lossTotal);
    if (forward) {
      metrics.put(Metrics.LOGPROB_BON, -lossForward / config.divergence().forwardWeight());
    }
    metrics.put(Metrics.GRAD_NORM, update == null ? 0.0 : update.gradientNorm());
    metrics.put(Metrics.LEARNING_RATE, update == null ? 0.0 : update.learningRate());
    metrics.put(Metrics.LENGTH, length / batch);
    metrics.put(Metrics.ENTROPY, -mean(logPi));
    metrics.put(Metrics.ANCHOR_MOVED, moved ? 1.0 : 0.0);
  }

  private List<Completion> selectBest(List<List<Rollout>> groups, int n, long step) {
    SplittableRandom ties = seeds.random(Seeds.SELECTION, step);
    List<Completion> best = new ArrayList<>(groups.size());
    for (List<Rollout> group : groups) {
      List<TokenSequence> candidates = new ArrayList<>(n);
      double[] rewards = new double[n];
      for (int k = 0; k < n; k++) {
        candidates.add(group.get(k).completion().completion());
        rewards[k] = group.get(k).reward();
      }
      best.add(group.get(BestOfNSelector.select(candidates, rewards, settings.tieRule(), ties))
          .completion());
    }
    return best;
  }

  /** Each prompt of {@code prompts} {@code times} times in a row, in order. */
  public static List<Prompt> repeat(List<Prompt> prompts, int times) {
    List<Prompt> out = new ArrayList<>(prompts.size() * times);
    for (Prompt prompt : prompts) {
      for (int k = 0; k < times; k++) {
        out.add(prompt);
      }
    }
    return out;
  }

  static double[] subtract(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] - b[i];
    }
    return out;
  }
}
