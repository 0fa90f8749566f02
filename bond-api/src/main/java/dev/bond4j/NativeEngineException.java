package dev.bond4j;

/**
 * Raised when a native engine (PyTorch through DJL, ND4J, ONNX Runtime) failed on input that bond4j
 * had accepted: not the user's error, so the command line exits with status 1 rather than 2. It
 * wraps the engine's exception with the context of the call that failed.
 */
public class NativeEngineException extends BondException {
  private static final long serialVersionUID = 1L;

  /**
   * An engine failure with its context.
   *
   * @param message what bond4j was doing and what the engine said
   * @param cause the engine's exception
   */
  public NativeEngineException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * {@code "ENGINE failed while ACTION: CAUSE'S MESSAGE"}: the engine failed on accepted input.
   *
   * @param engine the engine as users know it ({@code "The PyTorch engine"}, {@code "ND4J"})
   * @param action what was running, as a gerund ({@code "sampling"}, {@code "updating"})
   * @param cause the engine's exception
   */
  public static NativeEngineException failed(String engine, String action, Throwable cause) {
    return new NativeEngineException(engine + " failed while " + action + ": "
        + cause.getMessage(), cause);
  }

  /** {@code "Cannot start ENGINE: CAUSE"}: the engine's native libraries did not load. */
  public static NativeEngineException cannotStart(String engine, Throwable cause) {
    return new NativeEngineException("Cannot start " + engine + ": " + cause, cause);
  }

  /** {@code "Cannot close WHAT: CAUSE'S MESSAGE"}: releasing an engine resource failed. */
  public static NativeEngineException cannotClose(String what, Throwable cause) {
    return new NativeEngineException("Cannot close " + what + ": " + cause.getMessage(), cause);
  }
}
