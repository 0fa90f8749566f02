package dev.bond4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.BondException;
import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.model.Policy;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.value.Completion;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.UpdateResult;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend conformance suite (DESIGN.md, "Backend contract"), written once against the
 * backend-neutral API: a trainable backend is done when a subclass that supplies its {@link
 * PolicyBackend} passes. It is {@link SamplingContract} (sampling and scoring) plus updates,
 * snapshots, EMA and checkpoints. The exact testbed passes it too; it is the reference.
 */
public abstract class PolicyContract extends SamplingContract {
  /** The backend under test. */
  @Override
  protected abstract PolicyBackend backend();

  /**
   * Whether the policies under test drop entries while training (LoRA dropout): then an update's
   * loss is that of its dropped forward pass, not {@code −Σ w log π} of the undropped policy.
   */
  protected boolean dropsWhileTraining() {
    return false;
  }

  private TrainablePolicy create(long seed, OptimizerSettings settings) {
    return track(backend().create(seed, settings));
  }

  private TrainablePolicy create(long seed) {
    return create(seed, OptimizerSettings.builder().learningRate(0.05).build());
  }

  private double[] parameters(Policy policy) {
    return backend().parameters(policy);
  }

  // ---------------------------------------------------------------- updates

  private List<WeightedSequence> weighted(Policy policy, long seed, double... weights) {
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      prompts.add(backend().prompts().get(i % backend().prompts().size()));
    }
    List<Completion> samples = policy.sample(prompts, SamplingSettings.training(maxNew()), seed);
    List<WeightedSequence> out = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      out.add(WeightedSequence.of(samples.get(i), weights[i]));
    }
    return out;
  }

  @Test
  void positiveWeightRaisesAndNegativeWeightLowersTheLogProb() {
    TrainablePolicy up = create(8);
    WeightedSequence target = weighted(up, 1, 1.0).get(0);
    double before = up.logProbs(List.of(target))[0];
    up.update(List.of(target));
    assertThat(up.logProbs(List.of(target))[0]).isGreaterThan(before + 10 * backend().tolerance());

    TrainablePolicy down = create(8);
    down.update(List.of(WeightedSequence.of(target, -1.0)));
    assertThat(down.logProbs(List.of(target))[0])
        .isLessThan(before - 10 * backend().tolerance());
  }

  @Test
  void zeroWeightLeavesTheParametersUnchanged() {
    TrainablePolicy policy = create(9);
    double[] before = parameters(policy);
    UpdateResult result = policy.update(weighted(policy, 2, 0.0, 0.0, 0.0));
    assertThat(parameters(policy)).containsExactly(before);
    assertThat(result.gradientNorm()).isEqualTo(0.0);
    assertThat(policy.steps()).isEqualTo(1);
  }

  @Test
  void updateReportsTheLossBeforeTheStepAndTheWarmUpLearningRate() {
    OptimizerSettings settings = OptimizerSettings.builder().learningRate(0.01).warmupSteps(4)
        .build();
    TrainablePolicy policy = create(10, settings);
    List<WeightedSequence> batch = weighted(policy, 3, 0.5, -0.25, 2.0);
    double[] logProbs = policy.logProbs(batch);
    double loss = 0;
    long tokens = 0;
    for (int i = 0; i < batch.size(); i++) {
      loss -= batch.get(i).weight() * logProbs[i];
      tokens += batch.get(i).completion().length();
    }
    UpdateResult first = policy.update(batch);
    if (dropsWhileTraining()) {
      assertThat(first.loss()).isFinite().isNotCloseTo(loss, within(10 * backend().tolerance()));
    } else {
      assertThat(first.loss()).isCloseTo(loss, within(10 * backend().tolerance()));
    }
    assertThat(first.sequences()).isEqualTo(3);
    assertThat(first.tokens()).isEqualTo(tokens);
    assertThat(first.learningRate()).isCloseTo(0.0025, within(1e-12));
    assertThat(first.gradientNorm()).isPositive();
    assertThat(policy.update(batch).learningRate()).isCloseTo(0.005, within(1e-12));
  }

  /**
   * Adam normalises the step per parameter, which makes the first step nearly a sign function of
   * the gradient; a large epsilon makes the update proportional to the gradient, so comparing
   * parameters compares gradients.
   */
  private static OptimizerSettings gradientRevealing(int microBatchSize, double maxGradNorm) {
    return OptimizerSettings.builder().learningRate(0.1).epsilon(1.0)
        .microBatchSize(microBatchSize).maxGradNorm(maxGradNorm).build();
  }

  @Test
  void microBatchingGivesTheSameUpdateAsOneBatch() {
    TrainablePolicy whole = create(11, gradientRevealing(0, 0));
    TrainablePolicy micro = create(11, gradientRevealing(2, 0));
    List<WeightedSequence> batch = weighted(whole, 4, 1.0, -0.5, 0.25, 2.0, -1.0);
    for (int step = 0; step < 2; step++) {
      UpdateResult a = whole.update(batch);
      UpdateResult b = micro.update(batch);
      assertThat(b.loss()).isCloseTo(a.loss(), within(10 * backend().tolerance()));
      assertThat(b.gradientNorm()).isCloseTo(a.gradientNorm(),
          within(1e-5 * a.gradientNorm() + backend().tolerance()));
    }
    assertClose(parameters(micro), parameters(whole), 1e-6);
    assertThat(micro.logProbs(batch)).containsExactly(whole.logProbs(batch),
        within(backend().tolerance()));
  }

  @Test
  void gradientClippingShrinksTheStepButReportsTheRawNorm() {
    TrainablePolicy free = create(12, gradientRevealing(0, 0));
    TrainablePolicy clipped = create(12, gradientRevealing(0, 1e-3));
    double[] start = parameters(free);
    List<WeightedSequence> batch = weighted(free, 5, 1.0, 1.0, -0.5);
    UpdateResult a = free.update(batch);
    UpdateResult b = clipped.update(batch);
    assertThat(a.gradientNorm()).isGreaterThan(1e-2);
    assertThat(b.gradientNorm()).isCloseTo(a.gradientNorm(), within(1e-5 * a.gradientNorm()));
    double freeStep = distance(parameters(free), start);
    double clippedStep = distance(parameters(clipped), start);
    assertThat(clippedStep).isPositive().isLessThan(0.5 * freeStep);
  }

  // ---------------------------------------------------------------- snapshots and EMA

  @Test
  void snapshotIsAFrozenCopy() {
    TrainablePolicy policy = create(13);
    List<WeightedSequence> batch = weighted(policy, 6, 1.0, -1.0);
    PolicySnapshot snapshot = track(policy.snapshot());
    double[] atSnapshot = parameters(policy);
    assertThat(parameters(snapshot)).containsExactly(atSnapshot);
    assertThat(snapshot.logProbs(batch)).containsExactly(policy.logProbs(batch));
    policy.update(batch);
    assertThat(parameters(snapshot)).containsExactly(atSnapshot);
    assertThat(parameters(policy)).isNotEqualTo(atSnapshot);
  }

  @Test
  void moveTowardIsTheEmaFormulaParameterByParameter() {
    TrainablePolicy policy = create(14);
    PolicySnapshot anchor = track(policy.snapshot());
    List<WeightedSequence> batch = weighted(policy, 7, 1.0, -1.0, 0.5);
    policy.update(batch);
    policy.update(batch);
    double[] anchorBefore = parameters(anchor);
    double[] current = parameters(policy);
    double eta = 0.3;
    anchor.moveToward(policy, eta);
    double[] expected = new double[current.length];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = (1 - eta) * anchorBefore[i] + eta * current[i];
    }
    assertClose(parameters(anchor), expected, 1e-6);
    anchor.moveToward(policy, 0.0);
    assertClose(parameters(anchor), expected, 1e-6);
    anchor.moveToward(policy, 1.0);
    assertThat(parameters(anchor)).containsExactly(current);
    assertThatThrownBy(() -> anchor.moveToward(policy, 1.5)).isInstanceOf(BondException.class);
  }

  // ---------------------------------------------------------------- native memory

  @Test
  void closingTheTrainerFreesItsAnchorAndClosingTheRestFreesEverything() {
    long before = liveNativeObjects();
    TrainablePolicy policy = backend().create(22, OptimizerSettings.builder().learningRate(0.05)
        .build());
    PolicySnapshot reference = policy.snapshot();
    RewardModel length = sequences -> sequences.stream()
        .mapToDouble(s -> s.completion().length()).toArray();
    Trainer trainer = Algorithms.jBond(policy, reference, length, backend().prompts(), 0.5, 0.5,
        0.1, TrainingSettings.builder().batchSize(2).maxNewTokens(maxNew()).seed(22).build());
    trainer.train(2);
    long training = liveNativeObjects();
    trainer.close();
    assertThat(liveNativeObjects()).as("native objects after closing a J-BOND trainer (its EMA"
        + " anchor's snapshot must be freed), against %s while it trained", training)
        .isLessThan(training);
    trainer.close();
    reference.close();
    policy.close();
    assertThat(liveNativeObjects()).as("native objects after closing the trainer, the reference"
        + " snapshot and the policy, against %s before the policy was made", before)
        .isEqualTo(before);
    assertThatThrownBy(trainer::step).isInstanceOf(BondException.class).hasMessageContaining(
        "closed");
  }

  // ---------------------------------------------------------------- checkpoints

  @Test
  void saveAndLoadRoundTripExactly(@TempDir Path directory) {
    TrainablePolicy trained = create(15);
    List<WeightedSequence> batch = weighted(trained, 8, 1.0, -0.5);
    trained.update(batch);
    trained.update(batch);
    trained.save(directory);
    TrainablePolicy restored = create(99);
    restored.load(directory);
    assertThat(parameters(restored)).containsExactly(parameters(trained));
    assertThat(restored.steps()).isEqualTo(2);
    assertThat(restored.logProbs(batch)).containsExactly(trained.logProbs(batch));
  }

  @Test
  void resumingFromACheckpointContinuesExactly(@TempDir Path directory) {
    OptimizerSettings settings = OptimizerSettings.builder().learningRate(0.02).warmupSteps(3)
        .weightDecay(0.01).maxGradNorm(1.0).build();
    TrainablePolicy original = create(16, settings);
    List<WeightedSequence> batch = weighted(original, 9, 1.0, -0.5, 0.75);
    original.update(batch);
    original.update(batch);
    original.save(directory);
    UpdateResult third = original.update(batch);
    original.update(batch);

    TrainablePolicy resumed = create(77, settings);
    resumed.load(directory);
    UpdateResult resumedThird = resumed.update(batch);
    resumed.update(batch);
    assertThat(resumedThird.loss()).isEqualTo(third.loss());
    assertThat(resumedThird.learningRate()).isEqualTo(third.learningRate());
    assertThat(resumed.steps()).isEqualTo(original.steps());
    assertThat(parameters(resumed)).containsExactly(parameters(original));
  }

  @Test
  void saveReplacesAnEarlierCheckpoint(@TempDir Path directory) {
    TrainablePolicy policy = create(17);
    policy.save(directory);
    policy.update(weighted(policy, 10, 1.0));
    policy.save(directory);
    TrainablePolicy restored = create(18);
    restored.load(directory);
    assertThat(restored.steps()).isEqualTo(1);
    assertThat(parameters(restored)).containsExactly(parameters(policy));
  }

  @Test
  void loadingAMissingCheckpointFailsClearly(@TempDir Path directory) {
    TrainablePolicy policy = create(19);
    assertThatThrownBy(() -> policy.load(directory.resolve("absent")))
        .isInstanceOf(BondException.class);
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void outOfRangeTokensAreRejectedByUpdates() {
    TrainablePolicy policy = create(20);
    Prompt prompt = backend().prompts().get(0);
    TokenSequence bad = TokenSequence.of(policy.vocabularySize());
    assertThatThrownBy(() -> policy.update(List.of(WeightedSequence.of(prompt, bad, 1))))
        .isInstanceOf(BondException.class);
    assertThatThrownBy(() -> policy.update(List.of())).isInstanceOf(BondException.class);
  }

  // ---------------------------------------------------------------- helpers

  private static double distance(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(sum);
  }

  /** Element-wise {@code |a - b| <= tolerance * (1 + |b|)}. */
  private static void assertClose(double[] actual, double[] expected, double tolerance) {
    assertThat(actual).hasSameSizeAs(expected);
    Map<Integer, String> failures = new HashMap<>();
    for (int i = 0; i < actual.length && failures.size() < 5; i++) {
      if (!(Math.abs(actual[i] - expected[i]) <= tolerance * (1 + Math.abs(expected[i])))) {
        failures.put(i, actual[i] + " vs " + expected[i]);
      }
    }
    assertThat(failures).as("parameters differing beyond %s", tolerance).isEmpty();
  }
}
