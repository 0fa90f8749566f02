package dev.bond4j.onnx.serving;

/**
 * One line of a serving comparison, all per prompt.
 *
 * @param method what was served, for example {@code Best-of-4 (reference)} or {@code distilled}
 * @param n candidates drawn per prompt
 * @param meanReward mean reward of the served completions
 * @param tokens tokens generated per prompt, every candidate counted
 * @param rewardCalls sequences scored by the reward model per prompt to choose what to serve
 * @param millis wall time per prompt (sampling plus choosing)
 */
public record ServingRow(String method, int n, double meanReward, double tokens,
    double rewardCalls, double millis) {}
