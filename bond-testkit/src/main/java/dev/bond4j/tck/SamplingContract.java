package dev.bond4j.tck;

import static dev.bond4j.testkit.BondAssertions.assertThat;
import static dev.bond4j.testkit.BondAssertions.assertThatThrownBy;
import static dev.bond4j.testkit.BondAssertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bond4j.BondException;
import dev.bond4j.model.Policy;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testkit.Samples;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sampling and scoring half of the backend conformance suite (DESIGN.md, "Backend contract"):
 * what every {@link Policy} must do, trainable or not (an ONNX Runtime decoder passes it too).
 * {@link PolicyContract} adds the training half.
 *
 * <p>Statistical checks are seeded Pearson goodness-of-fit tests at significance level
 * {@value #SIGNIFICANCE}: fixed in advance, not tuned to the outcome.
 */
public abstract class SamplingContract {
  /** Significance level of the goodness-of-fit tests. */
  protected static final double SIGNIFICANCE = 1e-3;
  private static final int DRAWS = 6000;

  private final List<Policy> created = new ArrayList<>();

  /** The backend under test. */
  protected abstract SamplingBackend backend();

  @AfterEach
  void closePolicies() {
    created.forEach(Policy::close);
    created.clear();
  }

  /**
   * The backend's count of live native objects; the test is skipped when the backend cannot tell
   * (a pure-Java backend holds nothing native).
   */
  protected long liveNativeObjects() {
    OptionalLong live = backend().liveNativeObjects();
    assumeTrue(live.isPresent(), "the backend does not report its native objects");
    return live.getAsLong();
  }

  // ---------------------------------------------------------------- native memory

  @Test
  void closingAUsedPolicyFreesItsNativeMemory() {
    long before = liveNativeObjects();
    Policy policy = backend().sampler(21);
    List<Completion> samples = policy.sample(backend().prompts(),
        SamplingSettings.training(maxNew()), 21);
    policy.logProbs(samples);
    assertThat(liveNativeObjects()).as("native objects of an open policy").isGreaterThan(before);
    policy.close();
    assertThat(liveNativeObjects()).as("native objects after closing a policy that sampled and"
        + " scored, against %s before it was made", before).isEqualTo(before);
    policy.close();
    assertThat(liveNativeObjects()).as("after closing it twice").isEqualTo(before);
  }

  /** Closes {@code policy} after the test. */
  protected <P extends Policy> P track(P policy) {
    created.add(policy);
    return policy;
  }

  private Policy sampler(long seed) {
    return track(backend().sampler(seed));
  }

  /** The longest completion of the backend's space. */
  protected int maxNew() {
    return backend().space().maxLength();
  }

  private List<Prompt> repeat(Prompt prompt, int times) {
    return Collections.nCopies(times, prompt);
  }

  // ---------------------------------------------------------------- sampling

  /**
   * Long completions in a large batch, so that sequences end at different steps and a backend that
   * drops finished sequences from its batch mid-way does so here.
   */
  @Test
  void sampledLogProbsEqualRecomputedLogProbs() {
    Policy policy = sampler(1);
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
    Policy policy = sampler(2);
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
    Policy policy = sampler(3);
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
    Policy policy = sampler(4);
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
    Policy policy = sampler(5);
    for (Prompt prompt : backend().prompts()) {
      double[] expected = exactDistribution(policy, prompt);
      List<Completion> samples = policy.sample(repeat(prompt, DRAWS),
          SamplingSettings.training(maxNew()), 17 + prompt.id().hashCode());
      assertThat(Samples.of(samples, backend().space())).as("prompt %s", prompt.id())
          .followLaw(expected, SIGNIFICANCE);
    }
  }

  @Test
  void truncatedSamplingFollowsTemperatureTopKAndTopP() {
    Policy policy = sampler(6);
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
      assertThat(Samples.of(samples, space)).as("%s", settings).followLaw(expected, SIGNIFICANCE);
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
    Policy policy = sampler(7);
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

  // ---------------------------------------------------------------- bad input

  @Test
  void outOfRangeTokensAreRejectedWhenSamplingAndScoring() {
    Policy policy = sampler(20);
    Prompt prompt = backend().prompts().get(0);
    TokenSequence bad = TokenSequence.of(policy.vocabularySize());
    assertThatThrownBy(() -> policy.logProbs(List.of(WeightedSequence.of(prompt, bad, 1))))
        .isInstanceOf(BondException.class);
    Prompt badPrompt = Prompt.of("bad", TokenSequence.of(Integer.MAX_VALUE));
    assertThatThrownBy(() -> policy.sample(List.of(badPrompt), SamplingSettings.training(2), 1))
        .isInstanceOf(BondException.class);
    List<Completion> after = policy.sample(List.of(prompt), SamplingSettings.training(maxNew()), 1);
    assertThat(policy.logProbs(after)[0]).as("the policy still works after rejecting bad input")
        .isCloseTo(after.get(0).logProb(), within(backend().tolerance()));
  }

  @Test
  void sequencesLongerThanTheContextAreRejected() {
    Policy policy = sampler(21);
    Prompt prompt = backend().prompts().get(0);
    int[] tooLong = new int[policy.maxSequenceLength() + 1];
    WeightedSequence sequence = WeightedSequence.of(prompt, TokenSequence.of(tooLong), 1);
    assertThatThrownBy(() -> policy.logProbs(List.of(sequence))).isInstanceOf(BondException.class);
  }
}
