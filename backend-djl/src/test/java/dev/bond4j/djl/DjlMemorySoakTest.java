package dev.bond4j.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.CheckpointStore;
import dev.bond4j.algorithm.PeriodicCheckpoint;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.spi.BackendOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native memory stays bounded on DJL: 2,000 J-BOND steps (policy and EMA-anchor sampling,
 * reference and anchor scoring, an update, the anchor move, a checkpoint every 200 steps) after a
 * 300-step warm-up grow the resident set by less than 2%, comparing the median of the last five
 * readings (one every 100 steps) with that of the first five, since a checkpoint write moves the
 * resident set by about 1% either way. The steps run in a child JVM with a fixed, pre-touched
 * heap, so that growth of the Java heap (the JVM's choice) does not count. Reads {@code VmRSS}
 * from {@code /proc/self/status}: Linux only.
 */
@Tag("slow")
class DjlMemorySoakTest {
  private static final int WARMUP = 300;
  private static final int STEPS = 2000;
  private static final int EVERY = 100;

  /** The child: trains, printing the RSS (KiB) after the warm-up and every {@code EVERY} steps. */
  public static void main(String[] args) throws IOException {
    DecoderConfig config = DecoderConfig.gpt2(64, 32, 64, 2, 4, 256, 1e-5, "gelu_new", 63);
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      prompts.add(Prompt.of("p" + i, TokenSequence.of(1 + i % 60, 1 + (i * 7) % 60)));
    }
    try (DjlPolicy policy = DjlPolicy.create(config, 5,
            OptimizerSettings.builder().learningRate(1e-3).build(), BackendOptions.defaults());
        DjlSnapshot reference = policy.snapshot()) {
      Trainer trainer = Algorithms.jBond(policy, reference,
          sequences -> sequences.stream().mapToDouble(s -> s.completion().length()).toArray(),
          prompts, 0.5, 0.02, 0.0,
          TrainingSettings.builder().batchSize(16).maxNewTokens(12).seed(2).build());
      trainer.addListener(new PeriodicCheckpoint(trainer,
          new CheckpointStore(Path.of(args[0]), 2), 200));
      trainer.train(WARMUP);
      long[] rss = new long[STEPS / EVERY + 1];
      rss[0] = residentKiB();
      for (int i = 1; i < rss.length; i++) {
        trainer.train(EVERY);
        rss[i] = residentKiB();
      }
      System.out.println("RSS " + Arrays.toString(rss));
    }
  }

  @Test
  void residentMemoryGrowsLessThanTwoPercentOver2000Steps(@TempDir Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
        "-cp", System.getProperty("java.class.path"), DjlMemorySoakTest.class.getName(),
        dir.resolve("checkpoints").toString()).redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(20, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as(out).isZero();
    String series = out.lines().filter(l -> l.startsWith("RSS [")).findFirst().orElseThrow();
    long[] rss = Arrays.stream(series.substring(5, series.length() - 1).split(", "))
        .mapToLong(Long::parseLong).toArray();
    long first = median(Arrays.copyOfRange(rss, 0, 5));
    long last = median(Arrays.copyOfRange(rss, rss.length - 5, rss.length));
    assertThat(last).as("median of the last five RSS readings, KiB, of %s", series)
        .isLessThan((long) (first * 1.02));
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static long residentKiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("No VmRSS in /proc/self/status");
  }
}
