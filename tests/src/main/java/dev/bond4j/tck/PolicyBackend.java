package dev.bond4j.tck;

import dev.bond4j.model.Policy;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import java.util.List;

/**
 * What the conformance suite needs to know about a backend: how to make a tiny trainable policy,
 * which prompts it takes, the space its short completions live in, and how to read its
 * parameters. A backend supplies one of these to {@link PolicyContract}.
 */
public interface PolicyBackend {
  /**
   * A tiny trainable policy, the same for the same seed, whose next-token distributions are far
   * from uniform (so that sampling errors show).
   */
  TrainablePolicy create(long seed, OptimizerSettings settings);

  /** At least two prompts, of different lengths where the backend allows it. */
  List<Prompt> prompts();

  /**
   * The space of completions of at most {@code space().maxLength()} tokens over the policy's
   * vocabulary; small enough to enumerate.
   */
  SequenceSpace space();

  /** All parameters of a policy or snapshot made by this backend, in a fixed order. */
  double[] parameters(Policy policy);

  /**
   * Largest absolute difference two log-probabilities of the same sequence may show when computed
   * along different paths (KV cache or full pass, micro-batches or one batch): 0 for an exact
   * backend, float32 rounding for an engine.
   */
  double tolerance();
}
