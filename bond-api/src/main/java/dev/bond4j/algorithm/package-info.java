/**
 * The algorithms of the paper and its baselines, written once against the backend-neutral API:
 * BOND, iterative BOND, J-BOND, REINFORCE with leave-one-out, vBoN, Best-of-N SFT and Best-of-N
 * sampling. Each training step is the pipeline sample → score → estimate quantiles → weigh →
 * update → move anchor → log.
 */
package dev.bond4j.algorithm;
