package dev.bond4j.demo;

import dev.bond4j.algorithm.Evaluation;
import java.util.Map;

/**
 * The demo's headline numbers.
 *
 * @param reference evaluation of the reference policy
 * @param distilled evaluation of the J-BOND policy
 * @param baselines evaluation of each REINFORCE run, by label
 * @param bestOfNReward mean reward of Best-of-N sampling from the reference, by N
 * @param seconds wall time of the whole demo
 */
public record DemoSummary(Evaluation reference,
    Evaluation distilled, Map<String, Evaluation>
        baselines, Map<Integer, Double> bestOfNReward, double seconds) {}
