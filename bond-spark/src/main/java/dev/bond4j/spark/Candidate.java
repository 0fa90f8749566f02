package dev.bond4j.spark;

import java.io.Serializable;

/**
 * One of a prompt's N completions in a Best-of-N dataset.
 *
 * @param text the decoded completion
 * @param tokens its token ids
 * @param logProb {@code log π(y|x)} under the sampling distribution
 * @param tokenLogProbs the per-token log-probabilities
 * @param endedWithEos whether it ended with the end-of-sequence token
 * @param reward its reward
 * @param quantile its empirical quantile among the N: the fraction of the N whose reward is at
 *     most its own, in {@code [1/N, 1]}
 */
public record Candidate(String text, int[] tokens, double logProb, double[] tokenLogProbs,
    boolean endedWithEos, double reward, double quantile) implements Serializable {}
