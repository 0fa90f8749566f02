package dev.bond4j.onnx;

import dev.bond4j.Problems;
import dev.bond4j.spi.Device;

/**
 * How ONNX Runtime sessions are opened. The device is a config value: {@code cpu} or {@code
 * cuda:N}. CUDA needs the {@code onnxruntime_gpu} jar on a machine with a GPU; when its provider
 * is unavailable, opening fails with a clear error unless {@code cpuFallback} allows running on the
 * CPU instead (logged as a warning, never silent).
 *
 * @param device the CPU or a CUDA device
 * @param threads intra-op threads, {@code >= 1}; one is steadiest on a busy machine
 * @param spinning whether idle ORT threads spin; off by default on shared machines
 * @param optimization the graph optimisation level
 * @param cpuFallback whether an unavailable CUDA device falls back to the CPU
 * @param maxBatch most sequences one ORT call runs; longer lists are split
 */
public record OnnxOptions(Device device, int threads, boolean spinning,
    Optimization optimization, boolean cpuFallback, int maxBatch) {

  /** ONNX Runtime's graph optimisation levels. */
  public enum Optimization {
    NONE, BASIC, EXTENDED, ALL
  }

  /** Validates every field at once. */
  public OnnxOptions {
    Problems.of("OnnxOptions")
        .check(device != null, "device", device, Device.VALID)
        .atLeast("threads", threads, 1)
        .check(optimization != null, "optimization", optimization, "a level")
        .atLeast("maxBatch", maxBatch, 1)
        .throwIfAny();
  }

  /** CPU, one thread, no spinning, all optimisations, batches of at most 64 sequences. */
  public static OnnxOptions cpu() {
    return new OnnxOptions(Device.cpu(), 1, false, Optimization.ALL, false, 64);
  }

  /** These options on another device. */
  public OnnxOptions withDevice(Device newDevice) {
    return new OnnxOptions(newDevice, threads, spinning, optimization, cpuFallback, maxBatch);
  }

  /** These options on the device {@code text} names ({@link Device#parse}). */
  public OnnxOptions withDevice(String text) {
    return withDevice(Device.parse(text));
  }

  /** These options with another thread count. */
  public OnnxOptions withThreads(int newThreads) {
    return new OnnxOptions(device, newThreads, spinning, optimization, cpuFallback, maxBatch);
  }

  /** These options with another optimisation level. */
  public OnnxOptions withOptimization(Optimization level) {
    return new OnnxOptions(device, threads, spinning, level, cpuFallback, maxBatch);
  }

  /** These options with CPU fallback allowed or not. */
  public OnnxOptions withCpuFallback(boolean allowed) {
    return new OnnxOptions(device, threads, spinning, optimization, allowed, maxBatch);
  }

  /** These options with another batch limit. */
  public OnnxOptions withMaxBatch(int newMaxBatch) {
    return new OnnxOptions(device, threads, spinning, optimization, cpuFallback, newMaxBatch);
  }

  /** The CUDA device index, or -1 for the CPU. */
  public int cudaDevice() {
    return device.cudaIndex();
  }
}
