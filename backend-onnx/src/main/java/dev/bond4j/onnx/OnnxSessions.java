package dev.bond4j.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX Runtime sessions with bond4j's options; one quiet environment per process. Denormal
 * floats are flushed to zero in every session.
 */
final class OnnxSessions {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxSessions.class);

  private OnnxSessions() {}

  /** The process-wide environment, made once; its temporary folder is deleted at exit. */
  private static final class Environment {
    static final OrtEnvironment INSTANCE = create();

    private static OrtEnvironment create() {
      OrtEnvironment environment = OrtEnvironment.getEnvironment(
          OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "bond4j");
      OrtTemporaryFolder.deleteAtExit();
      return environment;
    }
  }

  /** The process-wide environment, logging warnings and errors only. */
  static OrtEnvironment environment() {
    return Environment.INSTANCE;
  }

  /**
   * Opens {@code file}.
   *
   * @param what what the model is for, used in error messages
   * @throws BondException when the file is missing or not a valid ONNX model, or when CUDA is
   *     asked for and unavailable without fallback
   */
  static OrtSession open(Path file, OnnxOptions options, String what) {
    if (!Files.isRegularFile(file)) {
      throw new BondException("The " + what + " " + file + " does not exist or is not a file");
    }
    return open(options, what + " " + file, session ->
        environment().createSession(file.toString(), session));
  }

  /**
   * Opens a model held in memory, such as a generated training graph.
   *
   * @throws BondException when ONNX Runtime rejects it, or CUDA is asked for and unavailable
   *     without fallback
   */
  static OrtSession open(byte[] model, OnnxOptions options, String what) {
    return open(options, what, session -> environment().createSession(model, session));
  }

  /** How a session is created from its options. */
  @FunctionalInterface
  private interface Creator {
    OrtSession create(OrtSession.SessionOptions options) throws OrtException;
  }

  private static OrtSession open(OnnxOptions options, String what, Creator creator) {
    try (OrtSession.SessionOptions session = new OrtSession.SessionOptions()) {
      session.setIntraOpNumThreads(options.threads());
      session.setInterOpNumThreads(1);
      session.addConfigEntry("session.intra_op.allow_spinning", options.spinning() ? "1" : "0");
      session.addConfigEntry("session.inter_op.allow_spinning", options.spinning() ? "1" : "0");
      // Masked attention scores underflow in softmax; denormal arithmetic made it 7x slower.
      session.addConfigEntry("session.set_denormal_as_zero", "1");
      session.setOptimizationLevel(switch (options.optimization()) {
        case NONE -> OptLevel.NO_OPT;
        case BASIC -> OptLevel.BASIC_OPT;
        case EXTENDED -> OptLevel.EXTENDED_OPT;
        case ALL -> OptLevel.ALL_OPT;
      });
      if (options.cudaDevice() >= 0) {
        addCuda(session, options);
      }
      try {
        return OrtObjects.session(creator.create(session));
      } catch (OrtException e) {
        throw new BondException("Cannot load the " + what
            + ": ONNX Runtime rejected it (expected a valid ONNX model file): " + e.getMessage(), e);
      }
    } catch (OrtException e) {
      throw new NativeEngineException("Cannot configure an ONNX Runtime session for the " + what
          + ": " + e.getMessage(), e);
    }
  }

  private static void addCuda(OrtSession.SessionOptions session, OnnxOptions options) {
    try {
      session.addCUDA(options.cudaDevice());
    } catch (OrtException | UnsatisfiedLinkError e) {
      String message = "Device " + options.device() + " was asked for, but ONNX Runtime's CUDA"
          + " execution provider is not available (" + e.getMessage() + "). On a machine with CUDA,"
          + " put ONNX Runtime's GPU native libraries in place (the onnxruntime_gpu jar instead of"
          + " onnxruntime, or -Donnxruntime.native.path), or use device cpu";
      if (!options.cpuFallback()) {
        throw new BondException(message + ", or allow cpuFallback");
      }
      LOG.warn("{}; falling back to the CPU as cpuFallback allows", message);
    }
  }
}
