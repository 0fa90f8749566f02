package dev.bond4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.sink.CsvSink;
import dev.bond4j.sink.JsonlSink;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
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
  void aProvidedRewardNeedsAProviderOnTheClassPath() throws Exception {
    Run missing = train(VALID + "reward: rerank\n");
    assertThat(missing.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(missing.err()).contains("reward = \"rerank\" (expected lexicon or a reward"
        + " provider on the class path (found: onnx))");
    Files.writeString(dir.resolve("reward.onnx"), "not a model");
    Run absent = train(VALID + "reward: onnx\nrewardModel: reward.onnx\nrewardLabel: -3\n");
    assertThat(absent.err()).contains("rewardLabel = -3");
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
    List<String> jsonl = Files.readAllLines(dir.resolve("result/metrics.jsonl"));
    assertThat(jsonl).hasSize(4);
    assertThat(jsonl.get(0)).startsWith("{\"provenance\":{\"bond4j\":\"")
        .contains("\"engine\":\"java\"", "\"seeds\":{\"run\":0}");
    List<String> csv = Files.readAllLines(dir.resolve("result/metrics.csv"));
    assertThat(csv.get(0)).isEqualTo(CsvSink.PROVENANCE_PREFIX
        + jsonl.get(0).substring("{\"provenance\":".length(), jsonl.get(0).length() - 1));
    assertThat(csv.get(1)).startsWith("step,reward/mean");
    assertThat(dir.resolve("result/checkpoints/step-3/provenance.json"))
        .hasContent(csv.get(0).substring(CsvSink.PROVENANCE_PREFIX.length()));
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
    List<String> jsonl = Files.readAllLines(dir.resolve("result/metrics.jsonl"));
    assertThat(jsonl).hasSize(8);
    assertThat(jsonl).filteredOn(l -> l.startsWith("{\"provenance\"")).hasSize(1);
    List<String> csv = Files.readAllLines(dir.resolve("result/metrics.csv"));
    assertThat(csv).hasSize(9);
    assertThat(csv.get(0)).startsWith(CsvSink.PROVENANCE_PREFIX);
    assertThat(csv.get(8)).startsWith("7,");
  }

  @Test
  void aResumeWithNoStepLeftKeepsTheProvenanceAtTheHead() throws Exception {
    String config = "backend: fake\npolicy: model\nprompts: prompts.txt\nbatchSize: 2\n"
        + "maxNewTokens: 3\ncheckpointEvery: 2\nout: result\nsteps: 4\n";
    assertThat(train(config).status()).isZero();
    Path jsonl = dir.resolve("result/metrics.jsonl");
    Path csv = dir.resolve("result/metrics.csv");
    List<String> before = Files.readAllLines(jsonl);
    List<String> csvBefore = Files.readAllLines(csv);
    Run resumed = train(config, "--resume");
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(Files.readAllLines(jsonl)).isEqualTo(before);
    assertThat(Files.readAllLines(csv)).isEqualTo(csvBefore);
    assertThat(before.get(0)).startsWith(JsonlSink.PROVENANCE_PREFIX);
  }

  private static final String CHECKPOINTED = "backend: fake\npolicy: model\nprompts: prompts.txt\n"
      + "batchSize: 2\nmaxNewTokens: 3\ncheckpointEvery: 2\nout: result\n";

  @Test
  void aResumeOfAnotherRunListsEveryDifferenceAndExits2() throws Exception {
    assertThat(train(CHECKPOINTED + "algorithm: jbond\nsteps: 4\n").status()).isZero();
    Run other = train(CHECKPOINTED + "algorithm: reinforce\nklCoefficient: 0.25\nseed: 9\n"
        + "steps: 6\n", "--resume");
    assertThat(other.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(other.err().strip().lines()).hasSize(1);
    assertThat(other.err()).contains("settings.algorithm = \"reinforce\" (expected the"
        + " checkpoint's jbond)").contains("settings.klCoefficient = \"0.25\"")
        .contains("seed = \"9\"")
        .contains("trainer = \"reinforce\"");
    Run fewer = train(CHECKPOINTED + "algorithm: jbond\nsteps: 3\n", "--resume");
    assertThat(fewer.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(fewer.err()).contains("steps = 3 (expected at least the step of the checkpoint"
        + " resumed from, 4");
    Run fresh = train(CHECKPOINTED + "algorithm: jbond\nsteps: 4\n");
    assertThat(fresh.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(fresh.err()).contains("or --resume");
  }

  @Test
  void aResumeCutsTheMetricsBackToTheCheckpointsStep() throws Exception {
    assertThat(train(CHECKPOINTED + "steps: 4\n").status()).isZero();
    Path jsonl = dir.resolve("result/metrics.jsonl");
    Path csv = dir.resolve("result/metrics.csv");
    // A run killed after step 6 but before its checkpoint: rows 5 and 6, and a row cut short.
    List<String> rows = Files.readAllLines(jsonl);
    Files.write(jsonl, List.of(rows.get(4).replace("\"step\":4", "\"step\":5"),
        rows.get(4).replace("\"step\":4", "\"step\":6"), "{\"step\":7,\"rew"),
        StandardOpenOption.APPEND);
    List<String> csvRows = Files.readAllLines(csv);
    Files.write(csv, List.of("5" + csvRows.get(5).substring(1), "6,0.5"),
        StandardOpenOption.APPEND);

    Run resumed = train(CHECKPOINTED + "steps: 7\n", "--resume");
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(Files.readAllLines(jsonl)).extracting(l -> l.substring(0, l.indexOf(',')))
        .containsExactly("{\"provenance\":{\"bond4j\":\"0.1.0-SNAPSHOT\"", "{\"step\":1", "{\"step\":2", "{\"step\":3", "{\"step\":4",
            "{\"step\":5", "{\"step\":6", "{\"step\":7");
    assertThat(Files.readAllLines(csv)).extracting(l -> l.substring(0, l.indexOf(',')))
        .containsExactly("# provenance {\"bond4j\":\"0.1.0-SNAPSHOT\"", "step", "1", "2", "3", "4",
            "5", "6", "7");
  }

  @Test
  void keepCheckpointsPrunesOldFolders() throws Exception {
    Run run = train("backend: fake\npolicy: model\nprompts: prompts.txt\nbatchSize: 2\n"
        + "maxNewTokens: 3\ncheckpointEvery: 1\nkeepCheckpoints: 2\nsteps: 6\nout: result\n");
    assertThat(run.status()).as(run.err()).isZero();
    try (var list = Files.list(dir.resolve("result/checkpoints"))) {
      assertThat(list.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("latest", "step-5", "step-6");
    }
    Run none = train(VALID + "keepCheckpoints: 0\n");
    assertThat(none.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(none.err()).contains("keepCheckpoints = 0 (expected a number of checkpoints >= 1)");
  }

  @Test
  void aLatestNamingADeletedFolderFallsBackToTheNewestIntactCheckpoint() throws Exception {
    assertThat(train(CHECKPOINTED + "steps: 4\n").status()).isZero();
    Path newest = dir.resolve("result/checkpoints/step-4");
    try (var walk = Files.walk(newest)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    Run resumed = train(CHECKPOINTED + "steps: 6\n", "--resume");
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("Resumed after step 2 (skipped, as damaged: step-4 (named"
        + " by latest but missing)).");
    assertThat(Files.readAllLines(dir.resolve("result/metrics.jsonl"))).hasSize(7);
    assertThat(Files.readString(dir.resolve("result/checkpoints/latest"))).isEqualTo("step-6");
  }
}
