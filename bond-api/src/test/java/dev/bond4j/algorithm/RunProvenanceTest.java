package dev.bond4j.algorithm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.model.EngineInfo;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.StepReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunProvenanceTest {
  private final SequenceSpace space = SequenceSpace.of(4, 0, 3);
  private final TabularReward reward = TabularReward.randomLevels(space, 2, 7, 3);
  private final List<Prompt> prompts = List.of(TabularPolicy.prompt(0), TabularPolicy.prompt(1));

  private Trainer trainer(long seed, double beta) {
    TabularPolicy policy = TabularPolicy.random(space, 2, 1.0, 5, OptimizerSettings.defaults());
    return Algorithms.jBond(policy, policy.snapshot(), reward, prompts, beta, 0.1, 0.0,
        TrainingSettings.builder().batchSize(2).maxNewTokens(3).seed(seed).build());
  }

  @Test
  void recordsTheBuildTheMachineTheEngineTheConfigHashAndTheSeed() {
    RunProvenance provenance = trainer(11, 0.5).provenance();
    assertThat(provenance.bond4jVersion()).as("from the filtered build.properties")
        .isEqualTo("0.1.0-SNAPSHOT");
    assertThat(provenance.gitCommit()).isNotBlank().doesNotStartWith("${");
    assertThat(provenance.javaVersion()).isEqualTo(System.getProperty("java.version"));
    assertThat(provenance.arch()).isEqualTo(System.getProperty("os.arch"));
    assertThat(provenance.engine()).isEqualTo(EngineInfo.java());
    assertThat(provenance.configSha256()).matches("[0-9a-f]{64}");
    assertThat(provenance.seeds()).isEqualTo(Map.of("run", 11L));
    assertThat(provenance.toJson()).startsWith("{\"bond4j\":\"0.1.0-SNAPSHOT\",\"commit\":\"")
        .contains("\"precision\":\"float64\"").endsWith("\"seeds\":{\"run\":11}}");
  }

  @Test
  void theConfigHashFollowsEverySettingOfTheRun() {
    assertThat(trainer(11, 0.5).provenance().configSha256())
        .isEqualTo(trainer(11, 0.5).provenance().configSha256())
        .isNotEqualTo(trainer(11, 0.25).provenance().configSha256())
        .isNotEqualTo(trainer(12, 0.5).provenance().configSha256());
  }

  @Test
  void jsonEscapesQuotesBackslashesAndControlCharacters() {
    RunProvenance odd = new RunProvenance("1", "a\"b\\c\n", "17", "os", "x", EngineInfo.java(),
        "0", Map.of("b", 2L, "a", 1L));
    assertThat(odd.toJson()).contains("\"commit\":\"a\\\"b\\\\c\\u000a\"")
        .endsWith("\"seeds\":{\"a\":1,\"b\":2}}");
  }

  @Test
  void listenersGetItOnceBeforeTheFirstStepAndEveryCheckpointHoldsIt(@TempDir Path dir)
      throws Exception {
    Trainer trainer = trainer(11, 0.5);
    List<String> events = new ArrayList<>();
    trainer.addListener(new TrainingListener() {
      @Override
      public void onStart(RunProvenance provenance) {
        events.add("start " + provenance.configSha256());
      }

      @Override
      public void onStep(StepReport report) {
        events.add("step " + report.step());
      }
    });
    trainer.train(2);
    String hash = trainer.provenance().configSha256();
    assertThat(events).containsExactly("start " + hash, "step 1", "step 2");
    Path folder = trainer.checkpoint(dir);
    assertThat(Files.readString(folder.resolve("provenance.json")))
        .isEqualTo(trainer.provenance().toJson() + "\n");
  }
}
