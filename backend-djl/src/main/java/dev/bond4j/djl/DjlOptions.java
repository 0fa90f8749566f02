package dev.bond4j.djl;

import dev.bond4j.Problems;

/**
 * Where and how the DJL backend computes: the device ({@code "cpu"} or {@code "cuda:N"}) and the
 * number of intra-op threads of the PyTorch engine. One thread is the steadiest choice on a small,
 * shared machine; results are reproducible for a fixed device and thread count. The thread count
 * is the engine's, so it is process-wide: the policy made last sets it.
 *
 * @param device {@code "cpu"} or {@code "cuda:N"} with {@code N >= 0}
 * @param threads intra-op threads, {@code >= 1}
 */
public record DjlOptions(String device, int threads) {
  /** Validates both fields at once. */
  public DjlOptions {
    Problems.of("DjlOptions")
        .check(device != null && device.matches("cpu|cuda:\\d{1,4}"), "device", device,
            "\"cpu\" or \"cuda:N\" with N >= 0")
        .atLeast("threads", threads, 1)
        .throwIfAny();
  }

  /** One CPU thread. */
  public static DjlOptions cpu() {
    return new DjlOptions("cpu", 1);
  }
}
