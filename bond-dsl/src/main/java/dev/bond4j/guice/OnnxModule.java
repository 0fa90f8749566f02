package dev.bond4j.guice;

import dev.bond4j.spi.BackendOptions;

/** Selects the ONNX Runtime backend, {@code onnx}; its module jar must be on the class path. */
public final class OnnxModule extends BackendModule {
  /** CPU, one thread. */
  public OnnxModule() {
    super("onnx");
  }

  /** With the given device and threads. */
  public OnnxModule(BackendOptions options) {
    super("onnx", options);
  }
}
