package dev.bond4j.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;
import dev.bond4j.spi.BackendOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts DJL's PyTorch engine the way bond4j needs it: one inter-op thread and the configured
 * number of intra-op threads (engine settings, process-wide as PyTorch's are), and resolves
 * configured devices with a clear error when one is not there. It sets no system property: an
 * application that wants DJL offline (no download of native libraries, no call-home) sets {@code
 * ai.djl.offline=true} itself, as the {@code bond} command does. The native libraries come from
 * the {@code pytorch-native-cpu} jar either way. The engine logs through slf4j under {@code
 * ai.djl}.
 */
final class DjlRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(DjlRuntime.class);
  private static final String ENGINE = "PyTorch";
  /** The engine as error messages name it. */
  static final String NAME = "The PyTorch engine";
  private static boolean started;

  private DjlRuntime() {}

  /**
   * The engine, started on first use; its inter-op pool is then set to one thread, unless the
   * application configured it ({@code ai.djl.pytorch.num_interop_threads}) or already ran
   * parallel work.
   */
  static synchronized Engine engine() {
    Engine engine;
    try {
      engine = Engine.getEngine(ENGINE);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw NativeEngineException.cannotStart("DJL's PyTorch engine", e);
    }
    if (!started) {
      started = true;
      if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
        try {
          JniUtils.setNumInteropThreads(1);
        } catch (EngineException e) {
          LOG.debug("PyTorch's inter-op pool is already running; its size stays as it is", e);
        }
      }
    }
    return engine;
  }

  /**
   * Starts the engine, applies the thread count and returns the device.
   *
   * @throws BondException when the device does not exist on this machine
   */
  static Device prepare(BackendOptions options) {
    Engine engine = engine();
    JniUtils.setNumThreads(options.threads());
    if (options.device().isCpu()) {
      return Device.cpu();
    }
    int count = engine.getGpuCount();
    if (options.device().cudaIndex() >= count) {
      throw options.device().unavailable("the PyTorch engine", count,
          "(this is a CPU build or no GPU is present); use device \"cpu\"");
    }
    return Device.gpu(options.device().cudaIndex());
  }
}
