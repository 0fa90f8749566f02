package dev.bond4j.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;

/**
 * Starts DJL's PyTorch engine the way bond4j needs it: offline (no call-home, no download of
 * native libraries, which come from the {@code pytorch-native-cpu} jar), one inter-op thread and
 * the configured number of intra-op threads, and resolves configured devices with a clear error
 * when one is not there. The engine logs through slf4j under {@code ai.djl}.
 */
final class DjlRuntime {
  private static final String ENGINE = "PyTorch";
  /** The engine as error messages name it. */
  static final String NAME = "The PyTorch engine";

  private DjlRuntime() {}

  /** The engine, started on first use with {@code ai.djl.offline=true} unless set otherwise. */
  static synchronized Engine engine() {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    // TorchScript's graph optimizer is unused here; turning it off also spares its INFO banner.
    setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
    try {
      return Engine.getEngine(ENGINE);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw NativeEngineException.cannotStart("DJL's PyTorch engine", e);
    }
  }

  /**
   * Starts the engine, applies the thread count and returns the device.
   *
   * @throws BondException when the device does not exist on this machine
   */
  static Device prepare(DjlOptions options) {
    Engine engine = engine();
    JniUtils.setNumThreads(options.threads());
    if (options.device().equals("cpu")) {
      return Device.cpu();
    }
    int index = Integer.parseInt(options.device().substring("cuda:".length()));
    int count = engine.getGpuCount();
    if (index >= count) {
      throw new BondException("Device " + options.device() + " is not available: the PyTorch engine "
          + "sees " + count + " CUDA device(s)" + (count == 0
              ? " (this is a CPU build or no GPU is present); use device \"cpu\"" : ""));
    }
    return Device.gpu(index);
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
