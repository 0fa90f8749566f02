/**
 * Where a training step's completions come from: the {@link dev.bond4j.rollout.RolloutSource}
 * SPI. The default samples and scores in process; other implementations (for example bond-spark's)
 * sample and score on other machines while the learner stays where it is.
 */
package dev.bond4j.rollout;
