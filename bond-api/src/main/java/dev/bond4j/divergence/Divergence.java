package dev.bond4j.divergence;

import dev.bond4j.Problems;

/**
 * The Jeffreys family {@code J_β(π || π_BoN) = (1−β) · KL(π_BoN || π) + β · KL(π || π_BoN)}
 * (SPEC S5, Eq. 11): {@code β = 0} is the forward KL (maximum likelihood on Best-of-N samples),
 * {@code β = 1} the backward KL (REINFORCE with the BOND reward), {@code β = 0.5} Jeffreys. Its
 * two coefficients are the weights of the forward and backward terms of every BOND loss.
 */
public record Divergence(double beta) {
  /** Validates {@code β ∈ [0, 1]}. */
  public Divergence {
    Problems.require(beta >= 0 && beta <= 1, "beta", beta, "a number in [0, 1]");
  }

  /** {@code J_β} with the given {@code β}. */
  public static Divergence jeffreys(double beta) {
    return new Divergence(beta);
  }

  /** The symmetric Jeffreys divergence, {@code β = 0.5} (the paper's default). */
  public static Divergence jeffreys() {
    return new Divergence(0.5);
  }

  /** Forward KL only, {@code β = 0}: Best-of-N SFT. */
  public static Divergence forwardKl() {
    return new Divergence(0.0);
  }

  /** Backward KL only, {@code β = 1}. */
  public static Divergence backwardKl() {
    return new Divergence(1.0);
  }

  /** Coefficient {@code 1−β} of {@code KL(π_BoN || π)}. */
  public double forwardWeight() {
    return 1.0 - beta;
  }

  /** Coefficient {@code β} of {@code KL(π || π_BoN)}. */
  public double backwardWeight() {
    return beta;
  }

  /** {@code J_β} from the two KL values. */
  public double value(double forwardKl, double backwardKl) {
    return forwardWeight() * forwardKl + backwardWeight() * backwardKl;
  }
}
