package dev.bond4j.spark;

/**
 * What one step of {@link SparkRollouts} cost.
 *
 * @param broadcastBytes bytes of the broadcast weights (policy plus anchor)
 * @param prepareSeconds driver seconds to copy the weights out of the engines and broadcast them
 * @param weightSeconds executor seconds to fetch the broadcast and load it into the cached
 *     models, the slowest task's
 * @param rolloutSeconds driver seconds for the whole rollout, preparation included
 */
public record RolloutTiming(long broadcastBytes, double prepareSeconds, double weightSeconds,
    double rolloutSeconds) {}
