package dev.bond4j.algorithm;

/**
 * The metric keys trainers report (SPEC S10, DESIGN.md "Metrics"): lowercase and
 * {@code /}-namespaced. The README's "Logged metrics" section explains each one.
 */
public final class Metrics {
  /** Mean reward of the policy's samples. */
  public static final String REWARD_MEAN = "reward/mean";
  /** Standard deviation of the policy samples' rewards within the batch. */
  public static final String REWARD_STD = "reward/std";
  /** Mean reward of the anchor's samples. */
  public static final String REWARD_ANCHOR_MEAN = "reward/anchor_mean";
  /** Standard deviation of the anchor samples' rewards. */
  public static final String REWARD_ANCHOR_STD = "reward/anchor_std";
  /** {@code mean(log π(y) − log π_ref(y))} on policy samples. */
  public static final String KL_REF = "kl/ref";
  /** {@code mean(log π(y) − log π_anc(y))} on policy samples. */
  public static final String KL_ANCHOR = "kl/anchor";
  /** Mean of the estimated BOND reward {@code r̂_BOND} of the policy samples. */
  public static final String BOND_REWARD_MEAN = "bond/r_hat/mean";
  /** Mean J-BOND reward {@code r_J}. */
  public static final String R_J_MEAN = "bond/r_j/mean";
  /** Fraction of policy samples worse than both anchor samples. */
  public static final String R_J_WORSE = "bond/r_j/worse_than_both";
  /** Mean log-quantile estimate {@code log p̂≤} of the policy samples. */
  public static final String LOG_QUANTILE_MEAN = "bond/log_quantile/mean";
  /** Forward (Best-of-N likelihood) term of the surrogate loss. */
  public static final String LOSS_FORWARD = "loss/forward";
  /** Backward (policy-gradient) term of the surrogate loss. */
  public static final String LOSS_BACKWARD = "loss/backward";
  /** KL-regulariser term of the surrogate loss. */
  public static final String LOSS_REG = "loss/reg";
  /** Whole surrogate loss as the optimizer saw it. */
  public static final String LOSS_TOTAL = "loss/total";
  /** Mean {@code log π(y_BoN)} of the Best-of-N anchor samples. */
  public static final String LOGPROB_BON = "logprob/bon";
  /** Global gradient norm before clipping. */
  public static final String GRAD_NORM = "grad/norm";
  /** Learning rate of the step. */
  public static final String LEARNING_RATE = "optim/lr";
  /** Mean completion length of the policy samples, in tokens. */
  public static final String LENGTH = "completion/length";
  /** Entropy estimate {@code −mean log π(y)} of the policy samples. */
  public static final String ENTROPY = "policy/entropy";
  /** Seconds spent sampling. */
  public static final String TIME_SAMPLE = "time/sample";
  /** Seconds spent scoring with the reward model. */
  public static final String TIME_SCORE = "time/score";
  /** Seconds spent on log-probabilities and quantile estimates. */
  public static final String TIME_ESTIMATE = "time/estimate";
  /** Seconds spent in the optimizer step. */
  public static final String TIME_UPDATE = "time/update";
  /** Seconds spent moving the anchor. */
  public static final String TIME_ANCHOR = "time/anchor";
  /** Wall seconds of the whole step. */
  public static final String TIME_STEP = "time/step";
  /** Sampled tokens per second of wall time. */
  public static final String TOKENS_PER_S = "throughput/tokens_per_s";
  /** Whether the anchor moved at this step (1 or 0). */
  public static final String ANCHOR_MOVED = "anchor/moved";

  private Metrics() {}
}
