package dev.bond4j.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.algorithm.BondTrainer;
import dev.bond4j.algorithm.Metrics;
import dev.bond4j.algorithm.MetricsRecorder;
import dev.bond4j.algorithm.ReinforceTrainer;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.StepReport;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
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
        .beta(0.5).eta(0.02).gamma(0).batchSize(4).maxNewTokens(3).steps(30)
        .seed(9).build();
    assertThat(run.settings().algorithm().algorithm()).isEqualTo(Algorithm.JBOND);
    Trainer trainer = run.trainer();
    assertThat(trainer).isInstanceOf(BondTrainer.class);
    MetricsRecorder recorder = new MetricsRecorder();
    trainer.addListener(recorder);
    trainer.train(run.settings().steps());
    List<StepReport> reports = recorder.reports();
    assertThat(reports).hasSize(run.settings().steps());
    assertThat(reports.get(reports.size() - 1).require(Metrics.KL_REF)).isFinite();
    BondRun longer = run.toBuilder().steps(60).build();
    assertThat(longer.settings().steps()).isEqualTo(60);
    assertThat(longer.settings().algorithm()).as("the knobs stay")
        .isEqualTo(run.settings().algorithm());
    assertThat(run.settings().steps()).as("the original is unchanged").isEqualTo(30);
  }

  @Test
  void referenceEveryReachesTheTrainer() {
    Trainer trainer = Bond.jbond().policy(policy).reward(reward)
        .prompts(List.of(TabularPolicy.prompt(0))).batchSize(2).maxNewTokens(3).steps(4)
        .referenceEvery(2).build().trainer();
    MetricsRecorder recorder = new MetricsRecorder();
    trainer.addListener(recorder);
    trainer.train(4);
    assertThat(recorder.reports()).extracting(r -> r.metric(Metrics.KL_REF).isPresent())
        .containsExactly(false, true, false, true);
    assertThatThrownBy(() -> Bond.reinforce().policy(policy).reward(reward)
        .prompts(List.of(TabularPolicy.prompt(0))).referenceEvery(3).build())
        .hasMessageContaining("referenceEvery = 3 (expected 1 for reinforce with klCoefficient");
  }

  @Test
  void everyAlgorithmHasAnEntryPoint() {
    var prompts = List.of(TabularPolicy.prompt(0));
    assertThat(Bond.reinforce().policy(policy).reward(reward).prompts(prompts).klCoefficient(0.1)
        .maxNewTokens(3).build().trainer()).isInstanceOf(ReinforceTrainer.class);
    for (RunBuilder<?> builder : List.<RunBuilder<?>>of(Bond.bond(4), Bond.iterativeBond(2, 10),
        Bond.vbon(8), Bond.bestOfNSft(4))) {
      BondRun run = builder.policy(policy).reward(reward).prompts(prompts).maxNewTokens(3)
          .batchSize(2).build();
      Trainer trainer = run.trainer();
      trainer.train(2);
      assertThat(trainer.steps()).isEqualTo(2);
    }
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> Bond.jbond().beta(1.5).eta(-0.1).gamma(-1).build())
        .isInstanceOfSatisfying(InvalidArgumentException.class, e ->
            assertThat(e.problems()).extracting(InvalidArgumentException.Problem::field)
                .containsExactly("policy", "reward", "prompts", "beta", "eta", "gamma"))
        .hasMessageContaining("beta = 1.5 (expected a number in [0.0, 1.0])");
    assertThatThrownBy(() -> Bond.iterativeBond(1, 0).steps(0).build())
        .isInstanceOfSatisfying(InvalidArgumentException.class, e ->
            assertThat(e.problems()).extracting(InvalidArgumentException.Problem::field)
                .containsExactly("policy", "reward", "prompts", "n", "anchorEvery", "steps"));
    assertThatThrownBy(() -> Algorithm.parse("ppo"))
        .hasMessageContaining("algorithm = \"ppo\"").hasMessageContaining("jbond, bond");
  }

  @Test
  void aRunClosesTheReferenceItMadeAndItsTrainerTheAnchorItMade() {
    List<String> closed = new ArrayList<>();
    TrainablePolicy recorded = recordingCloses(policy, closed);
    var prompts = List.of(TabularPolicy.prompt(0));
    BondRun made = Bond.jbond().policy(recorded).reward(reward).prompts(prompts).maxNewTokens(3)
        .build();
    assertThat(made.ownsReference()).isTrue();
    try (Trainer trainer = made.trainer()) {
      trainer.step();
    }
    assertThat(closed).as("the trainer closes its EMA anchor's snapshot").hasSize(1);
    made.close();
    assertThat(closed).as("the run closes the reference snapshot it took").hasSize(2);

    BondRun given = Bond.reinforce().policy(recorded).reference(policy).reward(reward)
        .prompts(prompts).maxNewTokens(3).build();
    assertThat(given.ownsReference()).isFalse();
    try (Trainer trainer = given.trainer()) {
      trainer.step();
    }
    given.close();
    assertThat(closed).as("neither closes what it was given").hasSize(2);
    assertThat(made.toBuilder().build().ownsReference()).as("a derived run shares the reference")
        .isFalse();
  }

  /** {@code policy}, whose snapshots add an entry to {@code closed} when closed. */
  private static TrainablePolicy recordingCloses(TrainablePolicy policy, List<String> closed) {
    return (TrainablePolicy) Proxy.newProxyInstance(TrainablePolicy.class.getClassLoader(),
        new Class<?>[] {TrainablePolicy.class}, (proxy, method, args) -> {
          Object result = invoke(policy, method, args);
          if (!(result instanceof PolicySnapshot snapshot)) {
            return result;
          }
          return Proxy.newProxyInstance(PolicySnapshot.class.getClassLoader(),
              new Class<?>[] {PolicySnapshot.class}, (p, m, a) -> {
                if (m.getName().equals("close")) {
                  closed.add("snapshot");
                  return null;
                }
                if (m.getName().equals("moveToward")) {
                  a[0] = policy;
                }
                return invoke(snapshot, m, a);
              });
        });
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  void aRunsIdentityNamesItsAlgorithmsKnobsOnly() {
    var prompts = List.of(TabularPolicy.prompt(0));
    try (BondRun run = Bond.reinforce().policy(policy).reward(reward).prompts(prompts)
        .klCoefficient(0.1).maxNewTokens(3).build(); Trainer trainer = run.trainer()) {
      assertThat(trainer.identity().entries()).containsEntry("settings.algorithm", "reinforce")
          .containsEntry("settings.klCoefficient", "0.1")
          .containsEntry("settings.samplesPerPrompt", "2")
          .doesNotContainKeys("settings.beta", "settings.eta", "settings.n");
    }
    assertThat(Bond.iterativeBond(2, 5).policy(policy).reward(reward).prompts(prompts)
        .gamma(0.1).build().settings().algorithm())
        .isEqualTo(IterativeBondSettings.builder().n(2).anchorEvery(5).gamma(0.1).build());
  }

  @Test
  @SuppressWarnings("deprecation")
  void theOldBuilderNamesAreAliasesOfTheConfigKeys() {
    var prompts = List.of(TabularPolicy.prompt(0));
    assertThat(Bond.jbond().policy(policy).reward(reward).prompts(prompts).anchorEma(0.1)
        .klRegularization(0.2).build().settings())
        .isEqualTo(Bond.jbond().policy(policy).reward(reward).prompts(prompts).eta(0.1)
            .gamma(0.2).build().settings());
  }
}
