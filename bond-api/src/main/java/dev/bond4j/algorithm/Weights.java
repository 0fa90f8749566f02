package dev.bond4j.algorithm;

import dev.bond4j.value.WeightedSequence;
import java.util.List;

/**
 * The fourth stage's output: the per-sequence weights of each loss term, checked by the
 * listeners, and the batch the optimizer steps on (sequences of non-zero weight).
 *
 * @param forward weights of the Best-of-N samples (BOND's forward KL); empty otherwise
 * @param backward weights of the policy samples from the backward term (or REINFORCE's)
 * @param reg weights of the policy samples from the {@code γ} regulariser; empty for REINFORCE
 * @param batch the weighted sequences of the update
 */
record Weights(double[] forward, double[] backward, double[] reg, List<WeightedSequence> batch) {}
