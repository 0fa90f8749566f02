package dev.bond4j.djl;

import dev.bond4j.Problems;
import dev.bond4j.spi.BackendOptions;

/**
 * Where and how the DJL backend computes: the device ({@code "cpu"} or {@code "cuda:N"}) and the
 * number of intra-op threads of the PyTorch engine. One thread is the steadiest choice on a small,
 * shared machine; results are reproducible for a fixed device and thread count. The thread count
 * is the engine's, so it is process-wide: the policy made last sets it. The precision is {@code
 * fp32}, or {@code bf16}: products with weight matrices in bfloat16 (AVX512-BF16 and AMX on
 * recent x86 CPUs, native on CUDA), with float32 master weights, gradients, AdamW moments and
 * log-probabilities.
 *
 * @param device {@code "cpu"} or {@code "cuda:N"} with {@code N >= 0}
 * @param threads intra-op threads, {@code >= 1}
 * @param precision {@code "fp32"} or {@code "bf16"}
 */
public record DjlOptions(String device, int threads, String precision) {
  /** Validates the fields at once. */
  public DjlOptions {
    Problems.of("DjlOptions")
        .check(device != null && device.matches("cpu|cuda:\\d{1,4}"), "device", device,
            "\"cpu\" or \"cuda:N\" with N >= 0")
        .atLeast("threads", threads, 1)
        .check(BackendOptions.FP32.equals(precision) || BackendOptions.BF16.equals(precision),
            "precision", precision, "\"fp32\" or \"bf16\"")
        .throwIfAny();
  }

  /** In float32. */
  public DjlOptions(String device, int threads) {
    this(device, threads, BackendOptions.FP32);
  }

  /** One CPU thread, float32. */
  public static DjlOptions cpu() {
    return new DjlOptions("cpu", 1);
  }

  /** Whether products with weights run in bfloat16. */
  public boolean bf16() {
    return BackendOptions.BF16.equals(precision);
  }
}
