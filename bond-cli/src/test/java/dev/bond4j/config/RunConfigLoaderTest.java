package dev.bond4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.bond4j.BondException;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.cli.BondCommand;
import dev.bond4j.dsl.ReinforceSettings;
import dev.bond4j.dsl.RunSettings;
import dev.bond4j.math.TieRule;
import dev.bond4j.spi.LoraSettings;
import dev.bond4j.spi.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
  void referenceEveryLoadsAndBadValuesAreRefused() throws Exception {
    Files.writeString(dir.resolve("c.yaml"), VALID_YAML + "referenceEvery: 5\n");
    assertThat(new RunConfigLoader().load(dir.resolve("c.yaml")).settings().training()
        .referenceEvery()).isEqualTo(5);
    assertThat(refusal("z.yaml", VALID_YAML + "referenceEvery: 0\n"))
        .contains("referenceEvery = 0");
    assertThat(refusal("k.yaml", VALID_YAML + "algorithm: reinforce\nreferenceEvery: 2\n"))
        .contains("referenceEvery = 2 (expected 1 for reinforce with klCoefficient > 0");
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
    for (String infinite : new String[] {".inf", "-.inf"}) {
      assertThat(refusal("inf.yaml", VALID_YAML + "lora: {targetModules: [c_attn], dropout: "
          + infinite + "}\n")).contains("'" + infinite + "'");
    }
  }

  @Test
  void aListWhereANumberBelongsSaysSo() throws Exception {
    assertThat(refusal("b.yaml", VALID_YAML + "beta: [1, 2]\nsteps: {a: 1}\n"))
        .contains("beta = \"[1,2]\" (expected a number)")
        .contains("steps = \"{\"a\":1}\" (expected a whole number)");
  }

  @Test
  void everyKeyBindsOntoItsSettingsType() throws Exception {
    Path file = dir.resolve("all.yaml");
    Files.writeString(file, VALID_YAML + "algorithm: reinforce\nklCoefficient: 0.2\n"
        + "samplesPerPrompt: 4\nbatchSize: 8\nmaxNewTokens: 5\nseed: 9\ntieRule: uniform\n"
        + "steps: 7\ndevice: cpu\nthreads: 2\nprecision: bf16\ntokenizer: demo\n"
        + "lora:\n  rank: 4\n  targetModules: c_attn, c_proj\n"
        + "optimizer:\n  learningRate: 0.01\n  warmupSteps: 3\nout: runs/x\n");
    RunConfig config = new RunConfigLoader().load(file);
    RunSettings settings = config.settings();
    assertThat(settings.algorithm()).isEqualTo(ReinforceSettings.builder().klCoefficient(0.2)
        .samplesPerPrompt(4).build());
    assertThat(settings.training()).isEqualTo(TrainingSettings.builder().batchSize(8)
        .maxNewTokens(5).seed(9).tieRule(TieRule.UNIFORM).build());
    assertThat(settings.steps()).isEqualTo(7);
    assertThat(config.options().threads()).isEqualTo(2);
    assertThat(config.options().precision()).isEqualTo(Precision.BF16);
    assertThat(config.options().lora()).contains(new LoraSettings(4, 8.0, 0,
        List.of("c_attn", "c_proj")));
    assertThat(config.optimizer().learningRate()).isEqualTo(0.01);
    assertThat(config.optimizer().warmupSteps()).isEqualTo(3);
    assertThat(config.tokenizer()).isEqualTo("demo");
    assertThat(config.out()).isEqualTo(dir.resolve("runs/x").normalize());
    assertThat(config.policy()).isEqualTo(dir.resolve("model"));
  }

  @Test
  void anUnknownKeyListsTheKeysOfTheSettingsTypes() throws Exception {
    String message = refusal("u.yaml", VALID_YAML + "betta: 0.5\n");
    assertThat(message).contains("betta = \"(unknown key)\" (expected one of ");
    String valid = message.substring(message.indexOf("one of ") + 7);
    assertThat(valid.split("[,)] ?")).contains("algorithm", "anchorEvery", "backend",
        "batchSize", "beta", "checkpointEvery", "device", "eta", "gamma", "keepCheckpoints",
        "lora", "maxNewTokens", "optimizer", "out", "policy", "precision", "prompts", "reward",
        "rewardLabel", "rewardMaxLength", "rewardModel", "rewardOutput", "rewardTokenizer",
        "referenceEvery", "seed", "steps", "threads", "tieRule", "tokenizer")
        .doesNotContain("trimNativeMemory", "filterEngineStdout", "options", "settings",
            "rewardOptions", "training", "klCoefficient", "n");
  }

  @Test
  void aWrongValueNamesTheKeyAndWhatIsValid() throws Exception {
    assertThat(refusal("w.yaml", VALID_YAML + "threads: two\ntieRule: sideways\ndevice: gpu\n"
        + "lora: 3\nalgorithm: jbond\nn: 2\nrewardModel: r.onnx\n"))
        .contains("threads = \"two\" (expected a whole number)")
        .contains("tieRule = \"sideways\" (expected one of strict, uniform)")
        .contains("device = \"gpu\" (expected \"cpu\" or \"cuda:N\"")
        .contains("lora = \"3\" (expected a mapping with alpha, dropout, modulesToSave, rank, "
            + "targetModules)")
        .contains("n = \"2\" (expected no n for jbond, which reads anchorEvery, beta, eta, gamma)")
        .contains("rewardModel = null (expected no model file for reward lexicon)");
    assertThat(refusal("l.yaml", VALID_YAML + "lora:\n  rank: 0\n  size: 3\n"))
        .contains("lora.rank = 0").contains("lora.size = \"(unknown key)\"")
        .contains("lora.targetModules").doesNotContain("lora.alpha");
  }
}
