package dev.bond4j.djl.bench;

import dev.bond4j.BondException;
import dev.bond4j.djl.DjlSnapshot;
import dev.bond4j.spi.BackendOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Measures the memory of loading a model folder into the DJL backend as a frozen policy, and
 * prints one JSON object: the resident set before loading (engine started, peak reset), after
 * loading, and its peak during the load ({@code VmHWM}), beside the bytes of the float32
 * parameters. A
 * load that held a second full float32 copy would peak near twice the model above the baseline.
 * Usage: {@code LoadMemory MODEL_FOLDER}. Linux only ({@code /proc/self/status}).
 */
public final class LoadMemory {
  private LoadMemory() {}

  /** Loads {@code args[0]} and prints the figures. */
  public static void main(String[] args) throws Exception {
    Path folder = Path.of(args[0]);
    try (DjlSnapshot warm = DjlSnapshot.load(folder, BackendOptions.defaults())) {
      // Starting the engine once first keeps its own allocations out of the baseline.
      warm.vocabularySize();
    }
    System.gc();
    // Writing 5 to clear_refs resets VmHWM to the current resident set (Linux 4.0 and later).
    Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    long before = status("VmRSS");
    long peakBefore = status("VmHWM");
    try (DjlSnapshot snapshot = DjlSnapshot.load(folder, BackendOptions.defaults())) {
      long after = status("VmRSS");
      long peak = status("VmHWM");
      long model = 4L * snapshot.config().parameterCount();
      System.out.printf(Locale.ROOT, "{\"model_bytes\": %d, \"rss_before\": %d, \"rss_after\": %d,"
          + " \"peak_rss\": %d, \"peak_before_load\": %d, \"load_peak_over_model\": %.3f}%n",
          model, before, after, peak, peakBefore, (double) (peak - before) / model);
    }
  }

  /** A {@code kB} field of {@code /proc/self/status}, in bytes. */
  static long status(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return 1024 * Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new BondException("Cannot read /proc/self/status: " + e, e);
    }
    throw new BondException("No " + field + " in /proc/self/status");
  }
}
