package dev.bond4j;

/**
 * Raised when a computation produced a NaN or an infinity where a finite number was required, for
 * example a training loss, a weight or a reward. Training stops at the first such value rather
 * than silently corrupting the policy.
 */
public class NumericalException extends BondException {
  private static final long serialVersionUID = 1L;

  public NumericalException(String message) {
    super(message);
  }
}
