package dev.bond4j.spi;

import dev.bond4j.Problems;
import dev.bond4j.value.BondStyle;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * Engine settings every backend understands: the device, the number of threads and, for backends
 * that train, an optional low-rank adapter to train instead of the whole model.
 */
@Value.Immutable
@BondStyle
public abstract class BackendOptions {
  /** {@code cpu} or {@code cuda:N}. */
  @Value.Default
  public String device() {
    return "cpu";
  }

  /**
   * Threads the engine may use, at most {@link #maxThreads()}; one is steadiest on a busy 2-core
   * machine.
   */
  @Value.Default
  public int threads() {
    return 1;
  }

  /**
   * When present, a trainable policy loaded from a model folder trains a fresh LoRA adapter of
   * these settings over the frozen weights instead of the weights themselves.
   */
  public abstract Optional<LoraSettings> lora();

  /** The defaults: CPU, one thread. */
  public static BackendOptions defaults() {
    return builder().build();
  }

  /** A builder. */
  public static ImmutableBackendOptions.Builder builder() {
    return ImmutableBackendOptions.builder();
  }

  /** The most threads an engine may be given: four per processor the JVM sees. */
  public static int maxThreads() {
    return 4 * Runtime.getRuntime().availableProcessors();
  }

  /** The CUDA device index, or -1 for the CPU. */
  public int cudaIndex() {
    return device().equals("cpu") ? -1 : Integer.parseInt(device().substring("cuda:".length()));
  }

  @Value.Check
  protected void check() {
    Problems.of("BackendOptions")
        .check(device().equals("cpu") || device().matches("cuda:\\d+"), "device", device(),
            "\"cpu\" or \"cuda:N\"")
        .check(threads() >= 1 && threads() <= maxThreads(), "threads", threads(),
            "an integer in [1, " + maxThreads() + "] (four per processor)")
        .throwIfAny();
  }
}
