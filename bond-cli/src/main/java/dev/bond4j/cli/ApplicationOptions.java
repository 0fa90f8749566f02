package dev.bond4j.cli;

import dev.bond4j.spi.BackendOptions;

/**
 * The process-wide choices the {@code bond} command makes as the application that owns its
 * process, and the library leaves to every other application: DJL offline (no download, no
 * call-home) and without the graph-optimizer banner, the dl4j backend's native-memory trimming
 * and its filter of SameDiff's stdout chatter (see {@link BackendOptions#trimNativeMemory} and
 * {@link BackendOptions#filterEngineStdout}).
 */
public final class ApplicationOptions {
  /** The defaults (CPU, one thread) with the command line's process-wide choices. */
  public static final BackendOptions DEFAULTS = of(BackendOptions.defaults());

  private ApplicationOptions() {}

  /** {@code options} with the command line's process-wide choices. */
  public static BackendOptions of(BackendOptions options) {
    return BackendOptions.builder().from(options).trimNativeMemory(true).filterEngineStdout(true)
        .build();
  }

  /** Sets DJL's system properties the command line wants, unless the user set them already. */
  static void configureProcess() {
    setIfAbsent("ai.djl.offline", "true");
    // TorchScript's graph optimizer is unused here; turning it off also spares its INFO banner.
    setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
