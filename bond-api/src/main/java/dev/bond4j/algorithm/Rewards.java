package dev.bond4j.algorithm;

/**
 * The second stage's output: the samples with their rewards, all finite.
 *
 * @param samples what the step sampled
 * @param all one reward per completion of {@link Samples#all()}, in that order
 */
record Rewards(Samples samples, double[] all) {}
