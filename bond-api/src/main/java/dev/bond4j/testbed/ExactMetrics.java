package dev.bond4j.testbed;

/**
 * Exact evaluation of a policy {@code π} on the testbed against a reference {@code π_ref} and its
 * Best-of-N (SPEC S5 "Evaluation", S10), averaged over contexts.
 *
 * @param expectedReward {@code E_π[r]}
 * @param klFromReference {@code KL(π || π_ref)}
 * @param klToBestOfN the backward divergence {@code KL(π || π_BoN)}
 * @param klFromBestOfN the forward divergence {@code KL(π_BoN || π)}
 * @param meanLogQuantile {@code E_π[log p≤(y)]}, quantiles under {@code π_ref}
 * @param effectiveN {@code −1 / E_π[log p≤]}
 * @param winRate {@code P[r(y) > r(y')] + ½ P[r(y) = r(y')]}, {@code y ~ π}, {@code y' ~ π_ref}
 * @param bestOfNReward {@code E_{π_BoN}[r]}, the reward Best-of-N sampling attains
 */
public record ExactMetrics(
    double expectedReward,
    double klFromReference,
    double klToBestOfN,
    double klFromBestOfN,
    double meanLogQuantile,
    double effectiveN,
    double winRate,
    double bestOfNReward) {

  /** {@code J_β} of this policy from Best-of-N. */
  public double jeffreys(double beta) {
    return (1 - beta) * klFromBestOfN + beta * klToBestOfN;
  }
}
