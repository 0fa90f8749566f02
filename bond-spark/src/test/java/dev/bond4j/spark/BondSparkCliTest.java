package dev.bond4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.spark.cli.BondSparkCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code bond-spark} command on {@code local[2]}: a generation and an evaluation, and every
 * kind of bad input the issue lists: one line, a non-zero status within 30 s, nothing written.
 */
class BondSparkCliTest {
  @TempDir
  static Path dir;

  private static Path policy;
  private static Path prompts;

  @BeforeAll
  static void files() {
    policy = SparkFixture.tinyPolicy(dir.resolve("policy"), 4);
    prompts = SparkFixture.promptFile(dir.resolve("prompts.jsonl"), 10);
  }

  private record Run(int status, String out, String err, double seconds) {}

  private static Run run(String... args) {
    CommandLine line = BondSparkCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    long start = System.nanoTime();
    int status = line.execute(args);
    return new Run(status, out.toString(), err.toString(), (System.nanoTime() - start) / 1e9);
  }

  /** The generate command's arguments; {@code extra} adds options or replaces their values. */
  private static List<String> generate(Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("generate", "--master", "local[2]", "--prompts",
        prompts.toString(), "--policy", policy.toString(), "--out", out.toString(), "-n", "3",
        "--max-new-tokens", "6"));
    for (int i = 0; i < extra.length; i++) {
      int at = args.indexOf(extra[i]);
      boolean valued = i + 1 < extra.length && !extra[i + 1].startsWith("--");
      if (at >= 0 && valued) {
        args.set(at + 1, extra[++i]);
      } else {
        args.add(extra[i]);
        if (valued) {
          args.add(extra[++i]);
        }
      }
    }
    return args;
  }

  private static void assertRefused(Run run, String... words) {
    assertThat(run.status()).as(run.err()).isNotZero();
    assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
    assertThat(run.err()).startsWith("bond-spark: ").contains(words);
    assertThat(run.seconds()).isLessThan(30);
  }

  private static void assertNothingWritten(String name) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(f -> f.contains(name));
    }
  }

  @Test
  void generatesAndEvaluatesOnLocalSpark() {
    Run generated = run(generate(dir.resolve("data"), "--format", "jsonl", "--partitions", "3")
        .toArray(String[]::new));
    assertThat(generated.status()).as(generated.err()).isZero();
    assertThat(generated.out()).contains("10 prompts x 3 completions (jsonl, 3 partitions on"
        + " local[2])").contains("mean Best-of-3 reward");
    assertThat(dir.resolve("data")).isDirectory();
    Run evaluated = run("eval", "--master", "local[2]", "--prompts", prompts.toString(),
        "--policy", policy.toString(), "--reference", policy.toString(), "--samples", "2",
        "--reference-samples", "4", "--max-new-tokens", "6");
    assertThat(evaluated.status()).as(evaluated.err()).isZero();
    assertThat(evaluated.out()).contains("kl/ref 0.000").contains("samples 20");
  }

  @Test
  void refusesAMissingPromptsFile() throws IOException {
    assertRefused(run(generate(dir.resolve("out-missing"), "--prompts",
        dir.resolve("nowhere.jsonl").toString()).toArray(String[]::new)), "--prompts");
    assertNothingWritten("out-missing");
  }

  @Test
  void refusesAMalformedPromptsFile() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"text\": \"the soup was\"}\n"
        + "{\"text\": oops\n");
    assertRefused(run(generate(dir.resolve("out-malformed"), "--prompts", bad.toString())
        .toArray(String[]::new)), "bad.jsonl", "line 2");
    assertNothingWritten("out-malformed");
  }

  @Test
  void refusesAnExistingOutputFolderUnlessOverwriting() throws IOException {
    Path out = Files.createDirectories(dir.resolve("existing"));
    Files.writeString(out.resolve("keep.txt"), "mine");
    assertRefused(run(generate(out).toArray(String[]::new)), "--out", "--overwrite");
    assertThat(out.resolve("keep.txt")).hasContent("mine");
    Run replaced = run(generate(out, "--overwrite").toArray(String[]::new));
    assertThat(replaced.status()).as(replaced.err()).isZero();
    assertThat(out.resolve("keep.txt")).doesNotExist();
  }

  @Test
  void refusesAnUnreachableMaster() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    assertRefused(run(generate(dir.resolve("out-master"), "--master",
        "spark://127.0.0.1:" + port).toArray(String[]::new)), "--master", "reachable");
    assertNothingWritten("out-master");
  }

  @Test
  void reportsAPolicyTheExecutorsCannotLoad() throws IOException {
    Path broken = SparkFixture.tinyPolicy(dir.resolve("broken"), 5);
    Files.write(broken.resolve("model.safetensors"), new byte[] {1, 2, 3});
    assertRefused(run(generate(dir.resolve("out-broken"), "--policy", broken.toString())
        .toArray(String[]::new)), "on an executor", "model.safetensors");
    assertNothingWritten("out-broken");
  }
}
