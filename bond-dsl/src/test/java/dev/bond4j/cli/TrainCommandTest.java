package dev.bond4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad configurations: a one-line message naming the key and the valid values, no stack trace. */
class TrainCommandTest {
  @TempDir
  Path dir;

  private record Run(int status, String out, String err) {}

  private Run train(String yaml, String... extra) throws Exception {
    Path config = dir.resolve("run.yaml");
    Files.writeString(config, yaml);
    Files.writeString(dir.resolve("prompts.txt"), "a\nb\n");
    CommandLine line = BondCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    String[] args = new String[2 + extra.length];
    args[0] = "train";
    args[1] = "--config=" + config;
    System.arraycopy(extra, 0, args, 2, extra.length);
    return new Run(line.execute(args), out.toString(), err.toString());
  }

  private static final String VALID = "backend: fake\npolicy: model\nprompts: prompts.txt\n";

  @Test
  void unknownKeyNamesTheValidKeys() throws Exception {
    Run run = train(VALID + "betta: 0.5\n");
    assertThat(run.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(run.err()).contains("betta").contains("(unknown key)").contains("beta,").contains("eta,")
        .doesNotContain("\tat ");
  }

  @Test
  void outOfRangeValuesAreAllReported() throws Exception {
    Run run = train(VALID + "beta: 1.5\neta: -0.1\ngamma: -2\n");
    assertThat(run.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(run.err()).contains("beta = 1.5 (expected a number in [0.0, 1.0])")
        .contains("eta = -0.1 (expected a number in [0.0, 1.0])")
        .contains("gamma = -2.0 (expected a finite number >= 0)").doesNotContain("\tat ");
  }

  @Test
  void wrongTypesAndNestedKeysAreNamed() throws Exception {
    Run run = train(VALID + "steps: many\noptimizer:\n  learningRate: -1\n  momentum: 0.9\n");
    assertThat(run.err()).contains("steps = \"many\" (expected a whole number)")
        .contains("optimizer.momentum").contains("optimizer.learningRate = -1.0");
  }

  @Test
  void missingFileIsNamed() throws Exception {
    CommandLine line = BondCommand.commandLine();
    StringWriter err = new StringWriter();
    line.setErr(new PrintWriter(err));
    int status = line.execute("train", "--config", dir.resolve("absent.yaml").toString());
    assertThat(status).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(err.toString()).contains("absent.yaml").contains("an existing file")
        .doesNotContain("\tat ");
  }

  @Test
  void unknownBackendListsTheAvailableOnes() throws Exception {
    Run run = train("backend: nope\npolicy: model\nprompts: prompts.txt\n");
    assertThat(run.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(run.err()).contains("backend = \"nope\"").contains("fake");
    Run verbose = train("backend: nope\npolicy: model\nprompts: prompts.txt\n", "--verbose");
    assertThat(verbose.err()).contains("\tat ");
  }

  @Test
  void aValidConfigurationTrainsAndWritesMetrics() throws Exception {
    Run run = train("backend: fake\npolicy: model\nprompts: prompts.txt\nsteps: 3\n"
        + "batchSize: 2\nmaxNewTokens: 3\nout: result\n");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(Files.readAllLines(dir.resolve("result/metrics.jsonl"))).hasSize(3);
    assertThat(Files.readAllLines(dir.resolve("result/metrics.csv")).get(0))
        .startsWith("step,reward/mean");
    assertThat(dir.resolve("result/policy")).isDirectory();
    assertThat(dir.resolve("result/checkpoints/step-3")).isDirectory();
  }

  @Test
  void aResumedRunContinuesItsMetrics() throws Exception {
    String config = "backend: fake\npolicy: model\nprompts: prompts.txt\nbatchSize: 2\n"
        + "maxNewTokens: 3\ncheckpointEvery: 2\nout: result\n";
    assertThat(train(config + "steps: 4\n").status()).isZero();
    Run resumed = train(config + "steps: 7\n", "--resume");
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("Resumed after step 4.");
    assertThat(Files.readAllLines(dir.resolve("result/metrics.jsonl"))).hasSize(7);
    List<String> csv = Files.readAllLines(dir.resolve("result/metrics.csv"));
    assertThat(csv).hasSize(8);
    assertThat(csv.get(7)).startsWith("7,");
  }
}
