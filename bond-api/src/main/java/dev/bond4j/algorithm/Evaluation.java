package dev.bond4j.algorithm;

/**
 * Monte-Carlo evaluation of a policy against the reference (SPEC S10, "On evaluation").
 *
 * @param reward mean reward of the policy's samples
 * @param klFromReference {@code mean(log π(y) − log π_ref(y))} on the policy's samples
 * @param meanLogQuantile {@code mean log p̂≤(y)} against reference samples (smoothed estimate)
 * @param effectiveN {@code −1 / meanLogQuantile}
 * @param winRate {@code P[r(y) > r(y')] + ½ P[r(y) = r(y')]}, {@code y ~ π}, {@code y' ~ π_ref}
 * @param samples number of policy samples evaluated
 */
public record Evaluation(double reward, double klFromReference, double meanLogQuantile,
    double effectiveN, double winRate, int samples) {}
