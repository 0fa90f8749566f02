package dev.bond4j;

import com.sun.management.OperatingSystemMXBean;
import dev.bond4j.model.Policy;
import dev.bond4j.value.Prompt;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * Estimates, before anything is allocated, whether a job fits in memory, and refuses one that
 * does not with both figures: the estimate and what the JVM ({@code -Xmx}) or the machine
 * allows. The estimates are lower bounds (what the job's Java arrays need at the least), so a
 * refused job would certainly have failed, only later and less clearly.
 */
public final class MemoryBudget {
  /** The most values a Java array holds. */
  public static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  private MemoryBudget() {}

  /** The largest heap the JVM will grow to. */
  public static long heapLimit() {
    return Runtime.getRuntime().maxMemory();
  }

  /** The machine's (or the container's) physical memory, or {@code Long.MAX_VALUE} if unknown. */
  public static long machineLimit() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof OperatingSystemMXBean os) {
      long total = os.getTotalMemorySize();
      return total > 0 ? total : Long.MAX_VALUE;
    }
    return Long.MAX_VALUE;
  }

  /**
   * Refuses a job that samples {@code copies} completions of up to {@code newTokens} tokens for
   * each of {@code prompts} from {@code policy} at once, when the longest prompt leaves no room
   * for them in the policy's context ({@code lengthField}) or when they do not fit in memory
   * ({@code countField}). The heap estimate counts each sequence's tokens, per-token
   * log-probabilities, one row of next-token probabilities while sampling, and the objects
   * around them.
   */
  public static void requireSequences(Policy policy, List<Prompt> prompts, double copies,
      int newTokens, String lengthField, String countField, Object countValue) {
    int longest = prompts.stream().mapToInt(p -> p.tokens().length()).max().orElse(0);
    int context = policy.maxSequenceLength();
    Problems.require(longest + newTokens <= context, lengthField, newTokens, "at most "
        + (context - longest) + ": the policy's context of " + context + " tokens minus the"
        + " longest prompt's " + longest);
    double sequences = prompts.size() * copies;
    double heap = sequences * (4.0 * (longest + newTokens) + 8.0 * newTokens
        + 4.0 * policy.vocabularySize() + 256);
    require(countField, countValue, String.format(Locale.ROOT, "%.0f sequences", sequences),
        heap, heap);
  }

  /**
   * Refuses {@code field = value} when the job it sets needs more than the JVM's heap or the
   * machine's memory, as an {@link InvalidArgumentException} that gives both figures.
   *
   * @param job what needs the memory ("a training step", "the model's weights")
   * @param heapBytes the estimated Java heap
   * @param totalBytes the estimated memory in all, heap and native
   */
  public static void require(String field, Object value, String job, double heapBytes,
      double totalBytes) {
    long heap = heapLimit();
    long machine = machineLimit();
    Problems.require(heapBytes <= heap, field, value, "a value for which " + job + " fits in"
        + " memory: it needs an estimated " + format(heapBytes) + " of Java heap, the JVM allows "
        + format(heap) + " (-Xmx)");
    Problems.require(totalBytes <= machine, field, value, "a value for which " + job + " fits in"
        + " memory: it needs an estimated " + format(totalBytes) + ", the machine has "
        + format(machine));
  }

  /** A byte count in binary units: {@code 512 MiB}, {@code 2.9 TiB}. */
  public static String format(double bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int unit = 0;
    double value = bytes;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  }
}
