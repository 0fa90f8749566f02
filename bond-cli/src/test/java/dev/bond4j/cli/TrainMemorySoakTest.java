package dev.bond4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays bounded in a long {@code bond train} on DJL, run as {@code ./bond} runs it: its own
 * JVM with the default heap, J-BOND on a demo-sized GPT-2 (policy and EMA-anchor sampling,
 * reference and anchor scoring, an update, the anchor move), the metrics sinks, the progress bar
 * and a checkpoint every 200 steps.
 *
 * <ul>
 *   <li>Over 2,000 steps after a 300-step warm-up the resident set grows by less than 2% (the
 *       median of the last five readings, one every 100 steps, against that of the first five,
 *       since a checkpoint write moves it by about 1% either way).
 *   <li>Then, over 1,000 more steps, the live Java heap (after the full collection of {@code jcmd
 *       GC.class_histogram}) grows by less than 256 bytes per step. A run that kept every step's
 *       report grew it by about 2 KiB per step; with the default heap that shows in the resident
 *       set only once the collector has touched the pages it reserved, after about 2,000 steps
 *       here, so the resident set alone misses it. Measured after the resident readings, whose
 *       course a full collection would change.
 * </ul>
 *
 * <p>Reads the child's {@code VmRSS} from {@code /proc}: Linux only; needs the JDK's {@code jcmd}.
 */
@Tag("slow")
class TrainMemorySoakTest {
  private static final int WARMUP = 300;
  private static final int STEPS = 2000;
  private static final int EVERY = 100;
  private static final int HEAP_STEPS = 1000;
  private static final String CONFIG = """
      backend: djl
      threads: 1
      policy: model
      tokenizer: demo
      prompts: prompts.txt
      reward: lexicon
      algorithm: jbond
      beta: 0.5
      eta: 0.05
      batchSize: 16
      maxNewTokens: 12
      checkpointEvery: 200
      keepCheckpoints: 2
      seed: 1
      out: result
      """;

  @TempDir
  Path dir;

  @Test
  void residentMemoryAndLiveHeapStayFlatInALongRun() throws Exception {
    assertThat(BondCommand.commandLine().execute("init", "--out", dir.resolve("model").toString(),
        "--model-type", "gpt2", "--vocab", "31", "--hidden", "64", "--layers", "2", "--heads",
        "4", "--positions", "24", "--eos", "0", "--seed", "3")).isZero();
    Files.writeString(dir.resolve("prompts.txt"), "the soup was\nthe service seemed\n"
        + "the film felt\nthe staff seemed\n");
    int heapStart = WARMUP + STEPS + EVERY;
    // A last stretch of steps after the final reading keeps the process alive for it.
    Files.writeString(dir.resolve("run.yaml"), CONFIG + "steps: "
        + (heapStart + HEAP_STEPS + EVERY) + "\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        BondCommand.class.getName(), "train", "--config", "run.yaml")
        .directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("log.txt").toFile()).start();
    StepWatch watch = new StepWatch(child, dir);
    long[] rss = new long[STEPS / EVERY + 1];
    for (int i = 0; i < rss.length; i++) {
      watch.await(WARMUP + i * EVERY);
      rss[i] = residentKiB(child.pid());
    }
    watch.await(heapStart);
    long heapBefore = liveHeapBytes(child.pid());
    watch.await(heapStart + HEAP_STEPS);
    long heapAfter = liveHeapBytes(child.pid());
    assertThat(child.waitFor(20, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as(Files.readString(dir.resolve("log.txt"))).isZero();
    String series = Arrays.toString(rss);
    System.out.println("TrainMemorySoakTest: RSS (KiB) after step " + WARMUP + " and every "
        + EVERY + " steps: " + series + "; live heap (bytes) after steps " + heapStart + " and "
        + (heapStart + HEAP_STEPS) + ": " + heapBefore + ", " + heapAfter);
    long first = median(Arrays.copyOfRange(rss, 0, 5));
    long last = median(Arrays.copyOfRange(rss, rss.length - 5, rss.length));
    assertThat(last).as("median of the last five RSS readings, KiB, of %s", series)
        .isLessThan((long) (first * 1.02));
    assertThat((heapAfter - heapBefore) / HEAP_STEPS)
        .as("live heap growth in bytes per step, from %d to %d", heapBefore, heapAfter)
        .isLessThan(256);
  }

  /** Follows a running {@code bond train} through the rows of its {@code metrics.jsonl}. */
  private static final class StepWatch {
    private final Process child;
    private final Path dir;
    private final Path metrics;
    private long read;
    private long rows;

    StepWatch(Process child, Path dir) {
      this.child = child;
      this.dir = dir;
      this.metrics = dir.resolve("result/metrics.jsonl");
    }

    /** Returns once the run has logged {@code step}; fails when it ends or takes 20 minutes. */
    void await(long step) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
      // The first row is the run's provenance.
      while (rows - 1 < step) {
        if (!child.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError("bond train ended or stalled before step " + step + ": "
              + Files.readString(dir.resolve("log.txt")));
        }
        if (Files.exists(metrics)) {
          try (RandomAccessFile file = new RandomAccessFile(metrics.toFile(), "r")) {
            byte[] added = new byte[(int) (file.length() - read)];
            file.seek(read);
            file.readFully(added);
            read += added.length;
            for (byte b : added) {
              rows += b == '\n' ? 1 : 0;
            }
          }
        }
        Thread.sleep(20);
      }
    }
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static long residentKiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("No VmRSS in /proc/" + pid + "/status");
  }

  /** Bytes of live objects of a JVM, from {@code jcmd PID GC.class_histogram} (a full GC). */
  private static long liveHeapBytes(long pid) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid),
        "GC.class_histogram").redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    String total = out.lines().filter(line -> line.startsWith("Total")).findFirst()
        .orElseThrow(() -> new AssertionError("No total in jcmd's histogram: " + out));
    String[] fields = total.trim().split("\\s+");
    return Long.parseLong(fields[fields.length - 1]);
  }
}
