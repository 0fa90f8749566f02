package dev.bond4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.bond4j.BondException;
import dev.bond4j.cli.BondCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile configuration files: each is refused with a {@link BondException} (exit status 2) whose
 * message is one line naming what is wrong.
 */
class RunConfigLoaderTest {
  @TempDir
  Path dir;

  private static final String VALID_JSON = "{\"policy\": \"model\", \"prompts\": \"p.txt\"}";
  private static final String VALID_YAML = "policy: model\nprompts: p.txt\n";

  private String refusal(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    Throwable thrown = catchThrowable(() -> new RunConfigLoader().load(file));
    assertThat(thrown).isInstanceOf(BondException.class);
    assertThat(thrown.getMessage()).doesNotContain("\n").doesNotContain("\r");
    return thrown.getMessage();
  }

  @Test
  void theValidFilesLoad() throws Exception {
    Files.writeString(dir.resolve("a.json"), VALID_JSON);
    Files.writeString(dir.resolve("a.yaml"), VALID_YAML);
    assertThat(new RunConfigLoader().load(dir.resolve("a.json")).keepCheckpoints()).isEqualTo(3);
    assertThat(new RunConfigLoader().load(dir.resolve("a.yaml")).prompts())
        .isEqualTo(dir.resolve("p.txt"));
  }

  @Test
  void aKeyTheAlgorithmDoesNotReadIsRefused() throws Exception {
    assertThat(refusal("r.yaml", VALID_YAML + "algorithm: reinforce\nbeta: 0.3\neta: 0.1\n"))
        .contains("beta = \"0.3\" (expected no beta for reinforce, which reads klCoefficient,"
            + " samplesPerPrompt)").contains("eta = \"0.1\"");
    assertThat(refusal("j.yaml", VALID_YAML + "klCoefficient: 0.1\n"))
        .contains("no klCoefficient for jbond");
  }

  @Test
  void trailingContentIsRefused() throws Exception {
    assertThat(refusal("t.json", VALID_JSON + " {\"beta\": 0.1}")).contains("t.json")
        .contains("trailing content after the end of the configuration at line 1");
  }

  @Test
  void duplicateKeysAreRefusedInJsonAndYaml() throws Exception {
    assertThat(refusal("d.json", "{\"policy\": \"a\", \"prompts\": \"p\", \"beta\": 0.1,"
        + " \"beta\": 0.9}")).contains("Duplicate").contains("beta");
    assertThat(refusal("d.yaml", VALID_YAML + "beta: 0.1\nbeta: 0.9\n")).contains("Duplicate")
        .contains("beta");
  }

  @Test
  void deepNestingGivesOneLine() throws Exception {
    assertThat(refusal("deep.json", "[".repeat(100_000) + "]".repeat(100_000)))
        .contains("deep.json").containsIgnoringCase("nesting");
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      yaml.append("  ".repeat(i)).append("k:\n");
    }
    assertThat(refusal("deep.yaml", yaml.toString())).contains("deep.yaml")
        .containsIgnoringCase("nesting");
    assertThat(refusal("flow.yaml", "[".repeat(20_000) + "]".repeat(20_000)))
        .containsIgnoringCase("nesting");
  }

  @Test
  void aTabIsOneLine() throws Exception {
    assertThat(refusal("tab.yaml", VALID_YAML + "\tbeta: 0.5\n")).contains("tab.yaml")
        .contains("TAB").contains("line 3");
  }

  @Test
  void anUnknownRewardNamesTheValidKinds() throws Exception {
    assertThat(refusal("r.yaml", VALID_YAML + "reward: rouge\n"))
        .contains("reward = \"rouge\" (expected lexicon or a reward provider on the class path")
        .doesNotContain("rewardModel = null");
  }

  @Test
  void loraDropoutInZeroToOneLoadsAndAnythingElseNamesTheValidRangeWithStatus2()
      throws Exception {
    Files.writeString(dir.resolve("l.yaml"), VALID_YAML
        + "lora: {targetModules: [c_attn], dropout: 0.05}\n");
    assertThat(new RunConfigLoader().load(dir.resolve("l.yaml")).options().lora().orElseThrow()
        .dropout()).isEqualTo(0.05);
    for (String bad : new String[] {"1.5", "1", "-0.1"}) {
      Path file = dir.resolve("bad.yaml");
      Files.writeString(file, VALID_YAML + "lora: {targetModules: [c_attn], dropout: " + bad
          + "}\n");
      Throwable thrown = catchThrowable(() -> new RunConfigLoader().load(file));
      assertThat(BondCommand.exitStatus(thrown)).as(bad).isEqualTo(BondCommand.INVALID_INPUT)
          .isEqualTo(2);
      assertThat(thrown.getMessage()).as(bad).contains("lora.dropout = ")
          .contains("(expected a number in [0, 1))").doesNotContain("\n");
    }
    assertThat(refusal("nan.yaml", VALID_YAML + "lora: {targetModules: [c_attn], dropout: .nan}\n"))
        .contains("'.nan'");
  }

  @Test
  void aListWhereANumberBelongsSaysSo() throws Exception {
    assertThat(refusal("b.yaml", VALID_YAML + "beta: [1, 2]\nsteps: {a: 1}\n"))
        .contains("beta = \"[1,2]\" (expected a number)")
        .contains("steps = \"{\"a\":1}\" (expected a whole number)");
  }
}
