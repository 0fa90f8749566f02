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

  /**
   * {@code fp32} (the default) or {@code bf16}: matrix products in bfloat16 with float32 master
   * weights, optimizer state and log-probabilities. A backend that has no bfloat16 path rejects
   * {@code bf16} with a {@link dev.bond4j.BondException}.
   */
  @Value.Default
  public String precision() {
    return FP32;
  }

  /** The default precision: float32 everywhere. */
  public static final String FP32 = "fp32";

  /** Mixed precision: bfloat16 matrix products, float32 everything else. */
  public static final String BF16 = "bf16";

  /** The defaults: CPU, one thread, float32. */
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

  /**
   * Returns these options if their precision is {@code fp32}.
   *
   * @throws BondException naming {@code backend} when it is {@code bf16}
   */
  public BackendOptions requireFp32(String backend) {
    if (!FP32.equals(precision())) {
      throw new BondException("precision " + precision() + ": the " + backend
          + " backend computes in fp32 only; use precision fp32 or the djl backend");
    }
    return this;
  }

  @Value.Check
  protected void check() {
    Problems.of("BackendOptions")
        .check(device().equals("cpu") || device().matches("cuda:\\d+"), "device", device(),
            "\"cpu\" or \"cuda:N\"")
        .check(threads() >= 1 && threads() <= maxThreads(), "threads", threads(),
            "an integer in [1, " + maxThreads() + "] (four per processor)")
        .check(FP32.equals(precision()) || BF16.equals(precision()), "precision", precision(),
            "\"fp32\" or \"bf16\"")
        .throwIfAny();
  }
}
