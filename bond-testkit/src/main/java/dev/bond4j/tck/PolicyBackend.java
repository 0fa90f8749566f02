package dev.bond4j.tck;

import dev.bond4j.model.Policy;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.value.OptimizerSettings;

/**
 * What the conformance suite needs to know about a trainable backend: how to make a tiny trainable
 * policy, which prompts it takes, the space its short completions live in, and how to read its
 * parameters. A backend supplies one of these to {@link PolicyContract}.
 */
public interface PolicyBackend extends SamplingBackend {
  /**
   * A tiny trainable policy, the same for the same seed, whose next-token distributions are far
   * from uniform (so that sampling errors show).
   */
  TrainablePolicy create(long seed, OptimizerSettings settings);

  /** The trainable policy of {@code seed} with learning rate 0.05. */
  @Override
  default Policy sampler(long seed) {
    return create(seed, OptimizerSettings.builder().learningRate(0.05).build());
  }

  /** All parameters of a policy or snapshot made by this backend, in a fixed order. */
  double[] parameters(Policy policy);
}
