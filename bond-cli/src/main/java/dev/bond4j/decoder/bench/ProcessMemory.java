package dev.bond4j.decoder.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The resident-set peak of this process, as the kernel counts it. */
public final class ProcessMemory {
  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessMemory() {}

  /**
   * The peak resident set ({@code VmHWM} of {@code /proc/self/status}) in bytes, or -1 where the
   * kernel does not report it (not Linux).
   */
  public static long peakRssBytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmHWM:")) {
          String[] fields = line.substring("VmHWM:".length()).trim().split("\\s+");
          return Long.parseLong(fields[0]) * 1024;
        }
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
