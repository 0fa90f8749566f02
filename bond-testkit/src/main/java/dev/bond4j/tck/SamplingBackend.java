package dev.bond4j.tck;

import dev.bond4j.model.Policy;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.value.Prompt;
import java.util.List;
import java.util.OptionalLong;

/**
 * What the sampling half of the conformance suite needs to know about a backend: how to make a
 * tiny policy, which prompts it takes and the space its short completions live in. A backend
 * supplies one of these to {@link SamplingContract}.
 */
public interface SamplingBackend {
  /**
   * A tiny policy, the same for the same seed, whose next-token distributions are far from
   * uniform (so that sampling errors show).
   */
  Policy sampler(long seed);

  /** At least two prompts, of different lengths where the backend allows it. */
  List<Prompt> prompts();

  /**
   * The space of completions of at most {@code space().maxLength()} tokens over the policy's
   * vocabulary; small enough to enumerate.
   */
  SequenceSpace space();

  /**
   * Largest absolute difference two log-probabilities of the same sequence may show when computed
   * along different paths (KV cache or full pass, batches of different shapes): 0 for an exact
   * backend, float32 rounding for an engine.
   */
  double tolerance();

  /**
   * How many native objects the backend holds right now, process-wide (see {@code
   * Backend.liveNativeObjects}), so that the suite can check that closing a policy, snapshot or
   * trainer frees what it made. Empty, the default, skips those checks: a pure-Java backend holds
   * nothing native.
   */
  default OptionalLong liveNativeObjects() {
    return OptionalLong.empty();
  }
}
