package dev.bond4j.random;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * One run seed split deterministically into named streams (policy sampling, anchor sampling,
 * prompt order, quantile samples, ...), each indexed by step. A stream's seed at a step depends
 * only on the run seed, the stream's name and the step, so a resumed run needs to store nothing
 * but its step to draw the same numbers again.
 */
public record Seeds(long runSeed) {
  /** Stream of the policy's samples. */
  public static final String POLICY_SAMPLING = "policy-sampling";
  /** Stream of the anchor's (or reference's) samples. */
  public static final String ANCHOR_SAMPLING = "anchor-sampling";
  /** Stream of the order in which prompts are visited. */
  public static final String PROMPT_ORDER = "prompt-order";
  /** Stream of the base samples drawn for quantile estimates. */
  public static final String QUANTILE_SAMPLES = "quantile-samples";
  /** Stream of tie-breaking and other selection randomness. */
  public static final String SELECTION = "selection";

  /** The seed of stream {@code name} at {@code index}. */
  public long seed(String name, long index) {
    long h = mix(runSeed ^ 0x9E3779B97F4A7C15L);
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h ^ (b & 0xFF));
    }
    return mix(h ^ mix(index + 0x632BE59BD9B4E019L));
  }

  /** A fresh generator for stream {@code name} at {@code index}. */
  public SplittableRandom random(String name, long index) {
    return new SplittableRandom(seed(name, index));
  }

  /** SplitMix64's finaliser: a bijective 64-bit mix. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
