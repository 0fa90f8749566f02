package dev.bond4j.algorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.model.Policy;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.testbed.TabularSnapshot;
import dev.bond4j.value.Completion;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.StepReport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TrainingSettings#referenceEvery}: with cadence {@code k} the reference scores the policy
 * samples, and {@code kl/ref} is reported, exactly on the steps that are multiples of {@code k};
 * everything else a step computes (every other metric, the parameters) is what cadence 1
 * computes; REINFORCE with a KL penalty and values below 1 are refused.
 */
class ReferenceCadenceTest {
  private static final SequenceSpace SPACE = SequenceSpace.of(4, 0, 3);
  private static final TabularReward REWARD = TabularReward.randomLevels(SPACE, 2, 7, 3);
  private static final List<Prompt> PROMPTS =
      List.of(TabularPolicy.prompt(0), TabularPolicy.prompt(1));
  private static final int STEPS = 7;

  /** Makes a trainer of one algorithm. */
  private interface Factory {
    Trainer create(TrainablePolicy policy, Policy reference, TrainingSettings settings);
  }

  private static final List<Factory> ALGORITHMS = List.of(
      (policy, reference, settings) -> Algorithms.jBond(policy, reference, REWARD, PROMPTS, 0.5,
          0.1, 0.2, settings),
      (policy, reference, settings) -> Algorithms.jBondPeriodic(policy, reference, REWARD,
          PROMPTS, 0.5, 2, 0.1, settings),
      (policy, reference, settings) -> Algorithms.reinforceLoo(policy, reference, REWARD,
          PROMPTS, 3, 0.0, settings));

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void cadenceKLogsKlOnlyOnMultiplesOfKAndChangesNothingElse(int every) {
    for (Factory algorithm : ALGORITHMS) {
      Run everyStep = run(algorithm, 1);
      Run cadence = run(algorithm, every);
      assertThat(everyStep.referenceCalls).isEqualTo(STEPS);
      assertThat(cadence.referenceCalls).isEqualTo(STEPS / every);
      for (int i = 0; i < STEPS; i++) {
        StepReport full = everyStep.reports.get(i);
        StepReport thinned = cadence.reports.get(i);
        assertThat(full.metric(Metrics.KL_REF)).isPresent();
        if (thinned.step() % every == 0) {
          assertThat(thinned.metric(Metrics.KL_REF)).isEqualTo(full.metric(Metrics.KL_REF));
        } else {
          assertThat(thinned.metrics()).doesNotContainKey(Metrics.KL_REF);
        }
        assertThat(withoutTimesAndKl(thinned)).isEqualTo(withoutTimesAndKl(full));
      }
      assertThat(cadence.parameters).isEqualTo(everyStep.parameters);
    }
  }

  @Test
  void aKlPenaltyNeedsTheReferenceEveryStep() {
    TabularPolicy policy = newPolicy();
    TrainingSettings settings = settings(2);
    assertThatThrownBy(() -> Algorithms.reinforceLoo(policy, policy.snapshot(), REWARD, PROMPTS,
        3, 0.1, settings))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("Invalid ReinforceConfig: settings.referenceEvery = 2 (expected 1 while"
            + " klCoefficient > 0 (the KL penalty needs the reference every step))");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void aCadenceBelowOneIsRefused(int every) {
    assertThatThrownBy(() -> settings(every))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("referenceEvery = " + every);
  }

  private record Run(List<StepReport> reports, int referenceCalls, double[] parameters) {}

  private static Run run(Factory algorithm, int every) {
    TabularPolicy policy = newPolicy();
    TabularSnapshot snapshot = policy.snapshot();
    int[] calls = {0};
    Policy reference = new CountingPolicy(snapshot, calls);
    Trainer trainer = algorithm.create(policy, reference, settings(every));
    MetricsRecorder recorder = new MetricsRecorder();
    trainer.addListener(recorder);
    trainer.train(STEPS);
    return new Run(recorder.reports(), calls[0], policy.parameters());
  }

  private static TabularPolicy newPolicy() {
    return TabularPolicy.random(SPACE, 2, 1.0, 5,
        OptimizerSettings.builder().learningRate(0.05).warmupSteps(2).build());
  }

  private static TrainingSettings settings(int every) {
    return TrainingSettings.builder().batchSize(4).maxNewTokens(3).seed(11)
        .referenceEvery(every).build();
  }

  /** The report's metrics in order, without timings and without {@code kl/ref}. */
  private static List<String> withoutTimesAndKl(StepReport report) {
    List<String> out = new ArrayList<>();
    report.metrics().forEach((key, value) -> {
      if (!key.startsWith("time/") && !key.startsWith("throughput/")
          && !key.equals(Metrics.KL_REF)) {
        out.add(key + "=" + value);
      }
    });
    return out;
  }

  /** A policy delegating to another that counts its {@code logProbs} calls. */
  private record CountingPolicy(Policy inner, int[] calls) implements Policy {
    @Override
    public int vocabularySize() {
      return inner.vocabularySize();
    }

    @Override
    public int eosToken() {
      return inner.eosToken();
    }

    @Override
    public int maxSequenceLength() {
      return inner.maxSequenceLength();
    }

    @Override
    public List<Completion> sample(List<Prompt> prompts, SamplingSettings settings, long seed) {
      return inner.sample(prompts, settings, seed);
    }

    @Override
    public double[] logProbs(List<? extends PromptedSequence> sequences) {
      calls[0]++;
      return inner.logProbs(sequences);
    }
  }
}
