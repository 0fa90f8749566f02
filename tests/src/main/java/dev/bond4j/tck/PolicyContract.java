package dev.bond4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.BondException;
import dev.bond4j.model.Policy;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.stats.ChiSquare;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.value.Completion;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.UpdateResult;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend conformance suite (DESIGN.md, "Backend contract"), written once against the
 * backend-neutral API: a backend is done when a subclass that supplies its {@link PolicyBackend}
 * passes. The exact testbed passes it too; it is the reference.
 *
 * <p>Statistical checks are seeded Pearson goodness-of-fit tests at significance level
 * {@value #SIGNIFICANCE}: fixed in advance, not tuned to the outcome.
 */
public abstract class PolicyContract {
  /** Significance level of the goodness-of-fit tests. */
  protected static final double SIGNIFICANCE = 1e-3;
  private static final int DRAWS = 6000;

  private final List<Policy> created = new ArrayList<>();

  /** The backend under test. */
  protected abstract PolicyBackend backend();

  @AfterEach
  void closePolicies() throws Exception {
    for (Policy policy : created) {
      if (policy instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
    created.clear();
  }

  private <P extends Policy> P track(P policy) {
    created.add(policy);
    return policy;
  }

  private TrainablePolicy create(long seed, OptimizerSettings settings) {
    return track(backend().create(seed, settings));
  }

  private TrainablePolicy create(long seed) {
    return create(seed, OptimizerSettings.builder().learningRate(0.05).build());
  }

  private int maxNew() {
    return backend().space().maxLength();
  }

  private List<Prompt> repeat(Prompt prompt, int times) {
    return Collections.nCopies(times, prompt);
  }

  private double[] parameters(Policy policy) {
    return backend().parameters(policy);
  }

  // ---------------------------------------------------------------- sampling

  /**
   * Long completions in a large batch, so that sequences end at different steps and a backend that
   * drops finished sequences from its batch mid-way does so here.
   */
  @Test
  void sampledLogProbsEqualRecomputedLogProbs() {
    TrainablePolicy policy = create(1);
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      prompts.addAll(backend().prompts());
    }
    int longest = prompts.stream().mapToInt(p -> p.tokens().length()).max().orElseThrow();
    List<Completion> samples = policy.sample(prompts,
        SamplingSettings.training(policy.maxSequenceLength() - longest), 11);
    double[] recomputed = policy.logProbs(samples);
    for (int i = 0; i < samples.size(); i++) {
      assertThat(recomputed[i]).as("sample %d: %s", i, samples.get(i).completion())
          .isCloseTo(samples.get(i).logProb(), within(backend().tolerance()));
    }
  }

  @Test
  void completionsAreWellFormed() {
    TrainablePolicy policy = create(2);
    SequenceSpace space = backend().space();
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      prompts.addAll(backend().prompts());
    }
    List<Completion> samples = policy.sample(prompts, SamplingSettings.training(maxNew()), 3);
    assertThat(samples).hasSize(prompts.size());
    for (int i = 0; i < samples.size(); i++) {
      Completion c = samples.get(i);
      TokenSequence y = c.completion();
      assertThat(c.prompt()).isEqualTo(prompts.get(i));
      assertThat(space.indexOf(y)).as("%s is a complete sequence of the space", y).isNotNegative();
      assertThat(c.endedWithEos()).isEqualTo(y.last() == policy.eosToken());
      assertThat(y.maxToken()).isLessThan(policy.vocabularySize());
    }
  }

  @Test
  void seededSamplingIsReproducible() {
    TrainablePolicy policy = create(3);
    List<Prompt> prompts = repeat(backend().prompts().get(0), 40);
    SamplingSettings settings = SamplingSettings.training(maxNew());
    List<TokenSequence> first = completions(policy.sample(prompts, settings, 5));
    assertThat(completions(policy.sample(prompts, settings, 5))).isEqualTo(first);
    assertThat(completions(policy.sample(prompts, settings, 6))).isNotEqualTo(first);
  }

  private static List<TokenSequence> completions(List<Completion> samples) {
    return samples.stream().map(Completion::completion).toList();
  }

  @Test
  void logProbsOfTheWholeSpaceSumToOne() {
    TrainablePolicy policy = create(4);
    for (Prompt prompt : backend().prompts()) {
      double total = 0;
      for (double p : exactDistribution(policy, prompt)) {
        total += p;
      }
      assertThat(total).as("prompt %s", prompt.id()).isCloseTo(1.0, within(1e-4));
    }
  }

  @Test
  void samplingFrequenciesMatchTheModel() {
    TrainablePolicy policy = create(5);
    for (Prompt prompt : backend().prompts()) {
      double[] expected = exactDistribution(policy, prompt);
      long[] observed = counts(policy.sample(repeat(prompt, DRAWS),
          SamplingSettings.training(maxNew()), 17 + prompt.id().hashCode()));
      ChiSquare.Fit fit = ChiSquare.goodnessOfFit(observed, expected, 5);
      assertThat(fit.pValue()).as("prompt %s: %s", prompt.id(), fit).isGreaterThan(SIGNIFICANCE);
    }
  }

  @Test
  void truncatedSamplingFollowsTemperatureTopKAndTopP() {
    TrainablePolicy policy = create(6);
    SequenceSpace space = backend().space();
    SamplingSettings[] variants = {
      SamplingSettings.builder().temperature(0.7).topK(3).topP(0.9).maxNewTokens(maxNew()).build(),
      SamplingSettings.builder().temperature(1.6).maxNewTokens(maxNew()).build(),
      SamplingSettings.builder().topP(0.6).maxNewTokens(maxNew()).build()
    };
    Prompt prompt = backend().prompts().get(0);
    for (SamplingSettings settings : variants) {
      double[] expected = samplingDistribution(exactDistribution(policy, prompt), settings);
      List<Completion> samples = policy.sample(repeat(prompt, DRAWS), settings, 23);
      for (Completion c : samples) {
        assertThat(c.logProb()).as("%s: reported log-probability of %s", settings,
            c.completion()).isCloseTo(Math.log(expected[space.indexOf(c.completion())]),
            within(1e-4));
      }
      ChiSquare.Fit fit = ChiSquare.goodnessOfFit(counts(samples), expected, 5);
      assertThat(fit.pValue()).as("%s: %s", settings, fit).isGreaterThan(SIGNIFICANCE);
    }
  }

  /**
   * The law of a completion drawn token by token from the next-token distributions implied by
   * {@code distribution} (temperature 1), each raised to {@code 1/T}, cut to the top {@code k}
   * and to the smallest most-likely set of mass {@code >= p} (ties in id order), renormalised.
   */
  private double[] samplingDistribution(double[] distribution, SamplingSettings settings) {
    SequenceSpace space = backend().space();
    Map<TokenSequence, Double> mass = new HashMap<>();
    for (int i = 0; i < space.size(); i++) {
      TokenSequence y = space.sequence(i);
      for (int k = 0; k <= y.length(); k++) {
        mass.merge(y.prefix(k), distribution[i], Double::sum);
      }
    }
    int vocabulary = space.vocabularySize();
    double[] out = new double[space.size()];
    for (int i = 0; i < space.size(); i++) {
      TokenSequence y = space.sequence(i);
      double probability = 1;
      for (int t = 0; t < y.length(); t++) {
        double[] next = new double[vocabulary];
        for (int u = 0; u < vocabulary; u++) {
          double p = mass.getOrDefault(y.prefix(t).append(u), 0.0) / mass.get(y.prefix(t));
          next[u] = Math.pow(p, 1 / settings.temperature());
        }
        probability *= truncate(next, settings)[y.get(t)];
      }
      out[i] = probability;
    }
    return out;
  }

  private static double[] truncate(double[] weights, SamplingSettings settings) {
    double total = Arrays.stream(weights).sum();
    Integer[] order = new Integer[weights.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> weights[a] != weights[b]
        ? Double.compare(weights[b], weights[a]) : Integer.compare(a, b));
    int keep = settings.topK() == 0 ? weights.length : Math.min(settings.topK(), weights.length);
    double kept = 0;
    for (int r = 0; r < keep; r++) {
      kept += weights[order[r]];
      if (kept >= settings.topP() * total) {
        keep = r + 1;
        break;
      }
    }
    double[] out = new double[weights.length];
    double keptMass = 0;
    for (int r = 0; r < keep; r++) {
      keptMass += weights[order[r]];
    }
    for (int r = 0; r < keep; r++) {
      out[order[r]] = weights[order[r]] / keptMass;
    }
    return out;
  }

  @Test
  void greedySamplingPicksTheMostLikelyFirstToken() {
    TrainablePolicy policy = create(7);
    SequenceSpace space = backend().space();
    for (Prompt prompt : backend().prompts()) {
      double[] distribution = exactDistribution(policy, prompt);
      double[] firstToken = new double[policy.vocabularySize()];
      for (int i = 0; i < distribution.length; i++) {
        firstToken[space.sequence(i).get(0)] += distribution[i];
      }
      int best = 0;
      for (int token = 1; token < firstToken.length; token++) {
        best = firstToken[token] > firstToken[best] ? token : best;
      }
      SamplingSettings greedy = SamplingSettings.builder().topK(1).maxNewTokens(1).build();
      Completion c = policy.sample(List.of(prompt), greedy, 1).get(0);
      assertThat(c.completion()).isEqualTo(TokenSequence.of(best));
      assertThat(c.logProb()).isCloseTo(0.0, within(1e-12));
    }
  }

  private double[] exactDistribution(Policy policy, Prompt prompt) {
    SequenceSpace space = backend().space();
    List<WeightedSequence> all = new ArrayList<>();
    for (int i = 0; i < space.size(); i++) {
      all.add(WeightedSequence.of(prompt, space.sequence(i), 1));
    }
    double[] logProbs = policy.logProbs(all);
    double[] probs = new double[logProbs.length];
    for (int i = 0; i < probs.length; i++) {
      probs[i] = Math.exp(logProbs[i]);
    }
    return probs;
  }

  private long[] counts(List<Completion> samples) {
    SequenceSpace space = backend().space();
    long[] counts = new long[space.size()];
    for (Completion c : samples) {
      counts[space.indexOf(c.completion())]++;
    }
    return counts;
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
    assertThat(first.loss()).isCloseTo(loss, within(10 * backend().tolerance()));
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
  void outOfRangeTokensAreRejected() {
    TrainablePolicy policy = create(20);
    Prompt prompt = backend().prompts().get(0);
    TokenSequence bad = TokenSequence.of(policy.vocabularySize());
    assertThatThrownBy(() -> policy.logProbs(List.of(WeightedSequence.of(prompt, bad, 1))))
        .isInstanceOf(BondException.class);
    assertThatThrownBy(() -> policy.update(List.of(WeightedSequence.of(prompt, bad, 1))))
        .isInstanceOf(BondException.class);
    Prompt badPrompt = Prompt.of("bad", TokenSequence.of(Integer.MAX_VALUE));
    assertThatThrownBy(() -> policy.sample(List.of(badPrompt), SamplingSettings.training(2), 1))
        .isInstanceOf(BondException.class);
    assertThatThrownBy(() -> policy.update(List.of())).isInstanceOf(BondException.class);
  }

  @Test
  void sequencesLongerThanTheContextAreRejected() {
    TrainablePolicy policy = create(21);
    Prompt prompt = backend().prompts().get(0);
    int[] tooLong = new int[policy.maxSequenceLength() + 1];
    WeightedSequence sequence = WeightedSequence.of(prompt, TokenSequence.of(tooLong), 1);
    assertThatThrownBy(() -> policy.logProbs(List.of(sequence))).isInstanceOf(BondException.class);
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
