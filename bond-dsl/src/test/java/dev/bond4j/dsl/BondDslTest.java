package dev.bond4j.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.algorithm.BondTrainer;
import dev.bond4j.algorithm.Metrics;
import dev.bond4j.algorithm.ReinforceTrainer;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.StepReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class BondDslTest {
  private final SequenceSpace space = SequenceSpace.of(4, 0, 3);
  private final TabularPolicy policy = TabularPolicy.random(space, 2, 1.0, 3,
      OptimizerSettings.builder().learningRate(0.05).build());
  private final TabularReward reward = TabularReward.of(space, 2, (c, y) -> y.length());

  @Test
  void buildsAJBondRunThatTrains() {
    BondRun run = Bond.jbond().policy(policy).reward(reward)
        .prompts(List.of(TabularPolicy.prompt(0), TabularPolicy.prompt(1)))
        .beta(0.5).anchorEma(0.02).klRegularization(0).batchSize(4).maxNewTokens(3).steps(30)
        .seed(9).build();
    assertThat(run.settings().algorithm()).isEqualTo(Algorithm.JBOND);
    Trainer trainer = run.trainer();
    assertThat(trainer).isInstanceOf(BondTrainer.class);
    List<StepReport> reports = trainer.train(run.settings().steps());
    assertThat(reports.get(reports.size() - 1).require(Metrics.KL_REF)).isFinite();
    assertThat(run.toBuilder().beta(0.25).build().settings().beta()).isEqualTo(0.25);
    assertThat(run.settings().beta()).as("the original is unchanged").isEqualTo(0.5);
  }

  @Test
  void everyAlgorithmHasAnEntryPoint() {
    var prompts = List.of(TabularPolicy.prompt(0));
    assertThat(Bond.reinforce().policy(policy).reward(reward).prompts(prompts).klCoefficient(0.1)
        .maxNewTokens(3).build().trainer()).isInstanceOf(ReinforceTrainer.class);
    for (RunBuilder builder : List.of(Bond.bond(4), Bond.iterativeBond(2, 10), Bond.vbon(8),
        Bond.bestOfNSft(4))) {
      BondRun run = builder.policy(policy).reward(reward).prompts(prompts).maxNewTokens(3)
          .batchSize(2).build();
      assertThat(run.trainer().train(2)).hasSize(2);
    }
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> Bond.jbond().beta(1.5).anchorEma(-0.1).klRegularization(-1).build())
        .isInstanceOfSatisfying(InvalidArgumentException.class, e ->
            assertThat(e.problems()).extracting(InvalidArgumentException.Problem::field)
                .containsExactly("policy", "reward", "prompts", "beta", "eta", "gamma"))
        .hasMessageContaining("beta = 1.5 (expected a number in [0.0, 1.0])");
    assertThatThrownBy(() -> Bond.jbond().n(4).policy(policy).reward(reward)
        .prompts(List.of(TabularPolicy.prompt(0))).build()).hasMessageContaining("n = 4")
        .hasMessageContaining("2 for jbond");
    assertThatThrownBy(() -> Algorithm.named("ppo"))
        .hasMessageContaining("algorithm = \"ppo\"").hasMessageContaining("jbond, bond");
  }
}
