package dev.bond4j;

/**
 * Raised when a native engine (PyTorch through DJL, ND4J, ONNX Runtime) failed on input that bond4j
 * had accepted: not the user's error, so the command line exits with status 1 rather than 2. It
 * wraps the engine's exception with the context of the call that failed.
 */
public class NativeEngineException extends BondException {
  private static final long serialVersionUID = 1L;

  public NativeEngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
