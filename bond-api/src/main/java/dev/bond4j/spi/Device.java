package dev.bond4j.spi;

import dev.bond4j.BondException;
import dev.bond4j.Problems;

/**
 * Where an engine computes: the CPU or one CUDA device. Written {@code cpu} or {@code cuda:N} in
 * configurations and on the command line, and parsed by {@link #parse} only, so that every
 * backend accepts exactly the same spellings.
 */
public final class Device {
  /** The largest CUDA index accepted: far more devices than one machine has. */
  public static final int MAX_CUDA_INDEX = 1023;
  /** What {@link #parse} accepts, as its errors say. */
  public static final String VALID = "\"cpu\" or \"cuda:N\" with N in [0, " + MAX_CUDA_INDEX + "]";
  private static final Device CPU = new Device(-1);

  private final int cudaIndex;

  private Device(int cudaIndex) {
    this.cudaIndex = cudaIndex;
  }

  /** The CPU. */
  public static Device cpu() {
    return CPU;
  }

  /** CUDA device {@code index}, in [0, {@value #MAX_CUDA_INDEX}]. */
  public static Device cuda(int index) {
    Problems.require(index >= 0 && index <= MAX_CUDA_INDEX, "device", "cuda:" + index, VALID);
    return new Device(index);
  }

  /**
   * The device {@code text} names: {@code cpu} or {@code cuda:N}.
   *
   * @throws dev.bond4j.InvalidArgumentException naming the text and what is valid, for anything
   *     else (a missing or non-decimal index, one above {@value #MAX_CUDA_INDEX}, other devices)
   */
  public static Device parse(String text) {
    if ("cpu".equals(text)) {
      return CPU;
    }
    String prefix = "cuda:";
    if (text != null && text.startsWith(prefix)) {
      String digits = text.substring(prefix.length());
      // At most four digits, so the number cannot overflow; leading zeros are not a spelling.
      boolean decimal = !digits.isEmpty() && digits.length() <= 4
          && digits.chars().allMatch(c -> c >= '0' && c <= '9');
      if (decimal && (digits.length() == 1 || digits.charAt(0) != '0')) {
        int index = Integer.parseInt(digits);
        if (index <= MAX_CUDA_INDEX) {
          return new Device(index);
        }
      }
    }
    throw Problems.invalid("device", text, VALID);
  }

  /** Whether this is the CPU. */
  public boolean isCpu() {
    return cudaIndex < 0;
  }

  /** The CUDA index, or -1 for the CPU. */
  public int cudaIndex() {
    return cudaIndex;
  }

  /**
   * The error for a device this machine does not have: {@code "Device cuda:3 is not available:
   * ENGINE sees N CUDA device(s)"} and, with none, {@code hint}.
   *
   * @param engine the engine as users know it ({@code "the PyTorch engine"})
   * @param visible how many CUDA devices the engine sees
   * @param hint what to do when it sees none (why there are none, {@code use device "cpu"})
   */
  public BondException unavailable(String engine, int visible, String hint) {
    return new BondException("Device " + this + " is not available: " + engine + " sees "
        + visible + " CUDA device(s)" + (visible == 0 ? " " + hint : ""));
  }

  /** {@code cpu} or {@code cuda:N}: what {@link #parse} reads back. */
  @Override
  public String toString() {
    return isCpu() ? "cpu" : "cuda:" + cudaIndex;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Device device && device.cudaIndex == cudaIndex;
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(cudaIndex);
  }
}
