package dev.bond4j.math;

/**
 * How Best-of-N picks among completions of equal reward (SPEC S1). The sampler and the exact law
 * must use the same rule; {@link #STRICT} is the default.
 */
public enum TieRule {
  /**
   * Ties in reward are broken by a deterministic strict order of the completions themselves:
   * lexicographic token ids, the larger sequence winning (paper §3.1, footnote 1). In an
   * enumerated support the support's index order is that order.
   */
  STRICT,
  /** Among the samples that reach the maximal reward, one is picked uniformly at random. */
  UNIFORM;

  /** The default rule. */
  public static TieRule defaultRule() {
    return STRICT;
  }
}
