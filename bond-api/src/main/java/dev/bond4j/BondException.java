package dev.bond4j;

/**
 * The one unchecked exception root of bond4j. Every error the library raises on purpose is a
 * {@code BondException} or one of its subtypes, so callers can catch a single type; native engine
 * errors are wrapped in one with the context of the call that failed.
 */
public class BondException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BondException(String message) {
    super(message);
  }

  public BondException(String message, Throwable cause) {
    super(message, cause);
  }
}
