package dev.bond4j.value;

import dev.bond4j.Problems;
import org.immutables.value.Value;

/**
 * A sampled completion with the per-token log-probabilities of the distribution it was actually
 * drawn from (after temperature, top-k and top-p). Its {@link #logProb()} is the sum over the
 * completion's tokens only, EOS included when generated (SPEC notation, S9).
 */
@Value.Immutable
@BondStyle
public abstract class Completion implements PromptedSequence {
  @Override
  public abstract Prompt prompt();

  @Override
  public abstract TokenSequence completion();

  /** One log-probability per completion token, under the sampling distribution. */
  public abstract double[] tokenLogProbs();

  /** Whether the completion ended with the end-of-sequence token (else it hit the length limit). */
  public abstract boolean endedWithEos();

  /** {@code log π(y|x)} under the sampling distribution: the sum of {@link #tokenLogProbs()}. */
  @Value.Lazy
  public double logProb() {
    double sum = 0;
    for (double lp : tokenLogProbs()) {
      sum += lp;
    }
    return sum;
  }

  /** A builder. */
  public static ImmutableCompletion.Builder builder() {
    return ImmutableCompletion.builder();
  }

  @Value.Check
  protected void check() {
    double[] lps = tokenLogProbs();
    Problems problems = Problems.of("Completion")
        .check(lps.length == completion().length(), "tokenLogProbs.length", lps.length,
            "the completion length " + completion().length());
    for (int i = 0; i < lps.length; i++) {
      problems.check(lps[i] <= 0 && !Double.isNaN(lps[i]), "tokenLogProbs[" + i + "]", lps[i],
          "a log-probability <= 0");
    }
    problems.throwIfAny();
  }
}
