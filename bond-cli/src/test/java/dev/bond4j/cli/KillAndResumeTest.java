package dev.bond4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bond train} killed with SIGKILL at random moments and resumed each time ends with files
 * byte-identical to those of an uninterrupted run, and with one metrics row per step. A checkpoint
 * after every step keeps most of the run inside checkpoint writes, so kills land in all of their
 * phases (each phase is also crashed on purpose in {@code CheckpointStoreTest}).
 */
class KillAndResumeTest {
  private static final String CONFIG = "backend: fake\npolicy: model\nprompts: prompts.txt\n"
      + "batchSize: 2\nmaxNewTokens: 3\ncheckpointEvery: 1\nkeepCheckpoints: 2\nseed: 4\n"
      + "out: result\nsteps: ";

  @TempDir
  Path dir;

  @Test
  void threeKillsResumeToTheSameFiles() throws Exception {
    killAndResume(3, 40, 11);
  }

  @Test
  @Tag("slow")
  void twentyKillsResumeToTheSameFiles() throws Exception {
    killAndResume(20, 250, 12);
  }

  private void killAndResume(int kills, int steps, long seed) throws Exception {
    Path reference = prepare(dir.resolve("uninterrupted"), steps);
    assertThat(train(reference, -1)).isZero();
    Path killed = prepare(dir.resolve("killed"), steps);
    SplittableRandom random = new SplittableRandom(seed);
    int landed = 0;
    for (int k = 0; k < kills; k++) {
      if (train(killed, random.nextInt(400)) != 0) {
        landed++;
      }
    }
    assertThat(train(killed, -1)).isZero();
    assertThat(landed).as("kills that interrupted a run").isPositive();
    assertThat(digests(killed.resolve("result"))).isEqualTo(digests(reference.resolve("result")))
        .containsKey("checkpoints/step-" + steps + "/manifest.sha256")
        .containsKey("checkpoints/latest");
    List<String> lines = Files.readAllLines(killed.resolve("result/metrics.jsonl"));
    assertThat(lines.get(0)).startsWith("{\"provenance\":");
    List<String> logged = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      logged.add(line.substring("{\"step\":".length(), line.indexOf(',')));
    }
    List<String> expected = new ArrayList<>();
    for (int s = 1; s <= steps; s++) {
      expected.add(String.valueOf(s));
    }
    assertThat(logged).isEqualTo(expected);
    assertThat(Files.readAllLines(killed.resolve("result/metrics.csv"))).hasSize(steps + 2);
  }

  private static Path prepare(Path folder, int steps) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("run.yaml"), CONFIG + steps + "\n");
    Files.writeString(folder.resolve("prompts.txt"), "a\nb\nc\n");
    return folder;
  }

  /**
   * Runs {@code bond train --resume} in its own JVM and, once it has logged a new step, kills it
   * with SIGKILL {@code killAfter} ms later unless it ended first (-1: never killed).
   *
   * @return the exit status (137 or so when killed)
   */
  private static int train(Path folder, long killAfter) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path metrics = folder.resolve("result/metrics.jsonl");
    long rowsBefore = rows(metrics);
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        BondCommand.class.getName(), "train", "--config", "run.yaml", "--resume")
        .directory(folder.toFile()).redirectErrorStream(true)
        .redirectOutput(folder.resolve("log.txt").toFile()).start();
    if (killAfter >= 0) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (process.isAlive() && rows(metrics) <= rowsBefore && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      if (!process.waitFor(killAfter, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    }
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("bond train did not end: " + Files.readString(
          folder.resolve("log.txt")));
    }
    int status = process.exitValue();
    if (killAfter < 0 && status != 0) {
      throw new AssertionError("bond train failed: " + Files.readString(folder.resolve("log.txt")));
    }
    return status;
  }

  /** Complete lines in {@code file}, 0 when it is absent. */
  private static long rows(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    } catch (UncheckedIOException e) {
      return 0;
    }
  }

  /** SHA-256 of every file of the run but the metrics, whose timings differ between runs. */
  private static Map<String, String> digests(Path out) throws Exception {
    Map<String, String> digests = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(out)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        String name = out.relativize(file).toString().replace('\\', '/');
        if (!name.startsWith("metrics.")) {
          MessageDigest digest = MessageDigest.getInstance("SHA-256");
          try (InputStream in = Files.newInputStream(file)) {
            digest.update(in.readAllBytes());
          }
          digests.put(name, HexFormat.of().formatHex(digest.digest()));
        }
      }
    }
    return digests;
  }
}
