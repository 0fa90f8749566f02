package dev.bond4j.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.model.RewardModel;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native memory stays bounded without the user calling {@code System.gc()} when the options ask
 * the backend to manage it ({@code trimNativeMemory}, see {@code NativeHeap}): over 500 J-BOND steps (sampling from the policy and its EMA
 * anchor, scoring, an update, the anchor move) after a warm-up, the process's resident set stays
 * within ±10% of its size after the warm-up. Reads
 * {@code VmRSS} from {@code /proc/self/status}, so it runs on Linux only. The module's tests run
 * with a fixed, pre-touched Java heap (see the pom): SameDiff makes a lot of
 * short-lived Java garbage, and with default ergonomics the JVM grows its heap toward a quarter
 * of the machine's memory, which would show here as growth that is the JVM's, not ND4J's.
 */
@Tag("slow")
class Dl4jMemorySoakTest {
  private static final Logger LOG = LoggerFactory.getLogger(Dl4jMemorySoakTest.class);
  private static final int WARMUP = 150;
  private static final int STEPS = 500;
  private static final int EVERY = 25;

  @Test
  void residentMemoryStaysWithinTenPercentOver500Steps() throws IOException {
    DecoderConfig config = DecoderConfig.gpt2(8, 16, 32, 2, 4, 128, 1e-5, "gelu_new", 7);
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      prompts.add(Prompt.of("p" + i, TokenSequence.of(1 + i % 6, 1 + (i * 5) % 6)));
    }
    RewardModel zeros = sequences -> sequences.stream()
        .mapToDouble(s -> Arrays.stream(s.completion().toArray()).filter(t -> t == 0).count())
        .toArray();
    long[] rss = new long[STEPS / EVERY + 1];
    long[] alive = new long[rss.length];
    try (Dl4jPolicy policy = Dl4jPolicy.create(config, 5,
            OptimizerSettings.builder().learningRate(1e-3).microBatchSize(8).build(),
            BackendOptions.builder().trimNativeMemory(true).build());
        Dl4jSnapshot reference = policy.snapshot()) {
      Trainer trainer = Algorithms.jBond(policy, reference, zeros, prompts, 0.5, 0.02, 0.0,
          TrainingSettings.builder().batchSize(16).maxNewTokens(8).seed(2).build());
      trainer.train(WARMUP);
      rss[0] = residentKiB();
      alive[0] = Pointer.totalBytes() >> 10;
      for (int i = 1; i < rss.length; i++) {
        trainer.train(EVERY);
        rss[i] = residentKiB();
        alive[i] = Pointer.totalBytes() >> 10;
      }
    }
    LOG.info("RSS (KiB) after {} warm-up steps and every {} steps after: {}", WARMUP, EVERY,
        Arrays.toString(rss));
    LOG.info("ND4J native arrays alive (KiB, JavaCPP's count): {}", Arrays.toString(alive));
    long low = Arrays.stream(rss).min().orElseThrow();
    long high = Arrays.stream(rss).max().orElseThrow();
    assertThat(high).as("largest RSS, KiB, of %s", Arrays.toString(rss))
        .isLessThanOrEqualTo((long) (rss[0] * 1.10));
    assertThat(low).as("smallest RSS, KiB, of %s", Arrays.toString(rss))
        .isGreaterThanOrEqualTo((long) (rss[0] * 0.90));
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
