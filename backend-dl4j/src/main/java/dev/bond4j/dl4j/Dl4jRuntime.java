package dev.bond4j.dl4j;

import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;
import dev.bond4j.spi.BackendOptions;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.Nd4jBlas;

/**
 * Starts ND4J the way bond4j needs it: the CPU backend of the {@code nd4j-native} jars on the
 * class path (nothing is downloaded), the configured number of threads for ND4J's own loops and
 * for OpenBLAS, and a clear error for a device that is not there. ND4J logs through slf4j under
 * {@code org.nd4j}; the one thing it prints to stdout is silenced by {@link QuietStdout} when the
 * options ask for it.
 */
final class Dl4jRuntime {
  private Dl4jRuntime() {}

  /**
   * Starts ND4J, applies the thread count (process-wide, as ND4J's settings are) and checks the
   * device.
   *
   * @throws BondException when ND4J cannot start or the device does not exist on this machine
   */
  static synchronized void prepare(BackendOptions options) {
    boolean cpu;
    try {
      cpu = Nd4j.getEnvironment().isCPU();
      Nd4j.getEnvironment().setMaxThreads(options.threads());
      Nd4j.getEnvironment().setMaxMasterThreads(options.threads());
      if (Nd4j.factory().blas() instanceof Nd4jBlas blas) {
        blas.setMaxThreads(options.threads());
      }
    } catch (RuntimeException | UnsatisfiedLinkError | ExceptionInInitializerError e) {
      throw NativeEngineException.cannotStart("ND4J's native backend", e);
    }
    if (options.device().isCpu()) {
      return;
    }
    int count = cpu ? 0 : Nd4j.getAffinityManager().getNumberOfDevices();
    if (options.device().cudaIndex() >= count) {
      throw options.device().unavailable("ND4J's " + Nd4j.getBackend().getClass().getSimpleName(),
          count, cpu ? "(the dl4j backend ships ND4J's CPU backend, nd4j-native); use device"
              + " \"cpu\"" : "");
    }
    Nd4j.getAffinityManager().unsafeSetDevice(options.device().cudaIndex());
  }
}
