package dev.bond4j.value;

import dev.bond4j.Problems;
import org.immutables.value.Value;

/**
 * A (prompt, completion, weight) triple: the only thing a backend's optimizer step ever sees. A
 * batch of them defines the surrogate loss {@code L(θ) = −Σ_i w_i · log π_θ(y_i | x_i)}; the
 * weights carry no gradient and already include any averaging over the batch (DESIGN.md, "The one
 * idea that keeps backends small").
 */
@Value.Immutable
@BondStyle
public abstract class WeightedSequence implements PromptedSequence {
  @Override
  @Value.Parameter
  public abstract Prompt prompt();

  @Override
  @Value.Parameter
  public abstract TokenSequence completion();

  /** The weight {@code w} on {@code log π(y|x)}: positive raises it, negative lowers it. */
  @Value.Parameter
  public abstract double weight();

  /** A weighted sequence. */
  public static WeightedSequence of(Prompt prompt, TokenSequence completion, double weight) {
    return ImmutableWeightedSequence.of(prompt, completion, weight);
  }

  /** The completion's tokens with a weight. */
  public static WeightedSequence of(PromptedSequence sequence, double weight) {
    return of(sequence.prompt(), sequence.completion(), weight);
  }

  @Value.Check
  protected void check() {
    Problems.of("WeightedSequence").finite("weight", weight())
        .check(!completion().isEmpty(), "completion", completion(), "at least one token")
        .throwIfAny();
  }
}
