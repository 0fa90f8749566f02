package dev.bond4j.spi;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.value.BondStyle;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * Engine settings every backend understands: the device, the number of threads, the precision of
 * the matrix products and, for backends that train, an optional low-rank adapter to train instead
 * of the whole model.
 */
@Value.Immutable
@BondStyle
public abstract class BackendOptions {
  /** Where the engine computes; the CPU by default. */
  @Value.Default
  public Device device() {
    return Device.cpu();
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
   * {@link Precision#FP32} (the default) or {@link Precision#BF16}: matrix products in bfloat16
   * with float32 master weights, optimizer state and log-probabilities. A backend that has no
   * bfloat16 path rejects {@code BF16} with a {@link BondException} ({@link #requireFp32}).
   */
  @Value.Default
  public Precision precision() {
    return Precision.FP32;
  }

  /**
   * When present, a trainable policy loaded from a model folder trains a fresh LoRA adapter of
   * these settings over the frozen weights instead of the weights themselves.
   */
  public abstract Optional<LoraSettings> lora();

  /**
   * Whether, after each update, the backend may ask for a garbage collection (at most every ten
   * seconds) and return freed native memory to the operating system: the dl4j backend needs both
   * to keep a long run's resident memory flat, since ND4J frees small native buffers only when
   * their Java objects are collected. Off by default: it acts on the whole process (a
   * {@code System.gc()}, JavaCPP's {@code malloc_trim}), which only the application may decide.
   * Backends that do not need it ignore it.
   */
  @Value.Default
  public boolean trimNativeMemory() {
    return false;
  }

  /**
   * Whether the engine's own chatter on {@code System.out} is filtered out while the backend
   * builds a gradient graph (dl4j's SameDiff prints one line per operation): {@code System.out}
   * is replaced, for the whole process, for the duration of the build, and the chatter goes to
   * the debug log. Off by default: replacing {@code System.out} is the application's decision.
   * Backends whose engine is quiet ignore it.
   */
  @Value.Default
  public boolean filterEngineStdout() {
    return false;
  }

  /** The defaults on {@code device}, named as configurations name it ({@link Device#parse}). */
  public static BackendOptions on(String device) {
    return builder().device(Device.parse(device)).build();
  }

  /** The defaults: CPU, one thread, float32, no adapter. */
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

  /** Whether products with weights run in bfloat16. */
  public boolean bf16() {
    return precision() == Precision.BF16;
  }

  /**
   * Returns these options if their precision is {@code fp32}.
   *
   * @throws BondException naming {@code backend} when it is {@code bf16}
   */
  public BackendOptions requireFp32(String backend) {
    if (bf16()) {
      throw new BondException("precision " + precision() + ": the " + backend
          + " backend computes in fp32 only; use precision fp32 or the djl backend");
    }
    return this;
  }

  @Value.Check
  protected void check() {
    Problems.of("BackendOptions")
        .check(threads() >= 1 && threads() <= maxThreads(), "threads", threads(),
            "an integer in [1, " + maxThreads() + "] (four per processor)")
        .throwIfAny();
  }
}
