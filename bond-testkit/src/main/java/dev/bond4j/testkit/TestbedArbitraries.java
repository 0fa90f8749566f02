package dev.bond4j.testkit;

import dev.bond4j.Problems;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.value.Completion;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries over the exact testbed: sequence spaces, tabular policies and rewards, and
 * the prompts, completions and weighted sequences that policies take and produce.
 *
 * <p>Structured values are built by a map from free parts (sizes, logits, indices into the
 * space), so every shrunk value is valid too: spaces shrink toward two tokens and length 1,
 * logits toward 0 (the uniform policy), sequences toward the first sequence of the space.
 * Prompts of tabular values are {@link TabularPolicy#prompt(int)} prompts.
 */
public final class TestbedArbitraries {
  /** Largest vocabulary of {@link #sequenceSpaces()}. */
  public static final int MAX_VOCABULARY = 4;
  /** Longest completion of {@link #sequenceSpaces()}. */
  public static final int MAX_LENGTH = 3;
  /** Most contexts of {@link #tabularPolicies()}. */
  public static final int MAX_CONTEXTS = 3;

  private TestbedArbitraries() {}

  /**
   * Spaces of 2 to {@value #MAX_VOCABULARY} token ids, any EOS id, and completions of at most 1
   * to {@value #MAX_LENGTH} tokens: at most 40 sequences, small enough to enumerate in a property.
   */
  public static Arbitrary<SequenceSpace> sequenceSpaces() {
    return Combinators.combine(Arbitraries.integers().between(2, MAX_VOCABULARY),
        Arbitraries.integers().between(1, MAX_LENGTH)).flatAs((vocabulary, length) ->
            Arbitraries.integers().between(0, vocabulary - 1)
                .map(eos -> SequenceSpace.of(vocabulary, eos, length)));
  }

  /**
   * Tabular policies over {@code space} with {@code contexts} prompts, logits uniform in [-4, 4]
   * with default optimizer settings: next-token probabilities from near 0 to near 1.
   */
  public static Arbitrary<TabularPolicy> tabularPolicies(SequenceSpace space, int contexts) {
    Problems.require(contexts >= 1, "contexts", contexts, "an integer >= 1");
    int parameters = contexts * space.stateCount() * space.vocabularySize();
    return Arbitraries.doubles().between(-4, 4).list().ofSize(parameters)
        .map(logits -> TabularPolicy.withLogits(space, contexts,
            logits.stream().mapToDouble(Double::doubleValue).toArray(),
            OptimizerSettings.defaults()));
  }

  /**
   * Tabular policies over a space of {@link #sequenceSpaces()} with 1 to {@value #MAX_CONTEXTS}
   * contexts; read the space and contexts back from the policy.
   */
  public static Arbitrary<TabularPolicy> tabularPolicies() {
    return sequenceSpaces().flatMap(space -> Arbitraries.integers().between(1, MAX_CONTEXTS)
        .flatMap(contexts -> tabularPolicies(space, contexts)));
  }

  /**
   * Rewards over {@code space} and {@code contexts}, each entry one of {@code levels} integer
   * levels (so ties are common when levels are few).
   */
  public static Arbitrary<TabularReward> tabularRewards(SequenceSpace space, int contexts,
      int levels) {
    Problems.of("tabularRewards").atLeast("contexts", contexts, 1)
        .atLeast("levels", levels, 1).throwIfAny();
    return BestOfNArbitraries.rewards(contexts * space.size(), levels).map(table ->
        TabularReward.of(space, contexts,
            (context, y) -> table[context * space.size() + space.indexOf(y)]));
  }

  /**
   * Prompts of 1 to {@code maxLength} token ids in {@code [0, vocabularySize)}, with an id that
   * names the tokens.
   */
  public static Arbitrary<Prompt> prompts(int vocabularySize, int maxLength) {
    Problems.of("prompts").atLeast("vocabularySize", vocabularySize, 1)
        .atLeast("maxLength", maxLength, 1).throwIfAny();
    return Arbitraries.integers().between(0, vocabularySize - 1).list().ofMinSize(1)
        .ofMaxSize(maxLength).map(tokens -> {
          TokenSequence sequence = TokenSequence.of(
              tokens.stream().mapToInt(Integer::intValue).toArray());
          return Prompt.of("prompt" + sequence, sequence);
        });
  }

  /** The testbed prompts {@link TabularPolicy#prompt(int)} of contexts 0 to contexts - 1. */
  public static Arbitrary<Prompt> tabularPrompts(int contexts) {
    Problems.require(contexts >= 1, "contexts", contexts, "an integer >= 1");
    return Arbitraries.integers().between(0, contexts - 1).map(TabularPolicy::prompt);
  }

  /** Complete sequences of {@code space}: ending with EOS or at the length limit. */
  public static Arbitrary<TokenSequence> sequences(SequenceSpace space) {
    return Arbitraries.integers().between(0, space.size() - 1).map(space::sequence);
  }

  /**
   * Completions of a testbed prompt (contexts 0 to contexts - 1) by a sequence of {@code space},
   * with per-token log-probabilities in [-5, 0].
   */
  public static Arbitrary<Completion> completions(SequenceSpace space, int contexts) {
    return Combinators.combine(tabularPrompts(contexts), sequences(space)).flatAs((prompt, y) ->
        Arbitraries.doubles().between(-5, 0).list().ofSize(y.length()).map(logProbs ->
            Completion.builder().prompt(prompt).completion(y)
                .tokenLogProbs(logProbs.stream().mapToDouble(Double::doubleValue).toArray())
                .endedWithEos(y.last() == space.eosToken()).build()));
  }

  /**
   * Weighted sequences: a testbed prompt, a sequence of {@code space} and a weight in [-2, 2]
   * that is exactly 0 about one time in five.
   */
  public static Arbitrary<WeightedSequence> weightedSequences(SequenceSpace space,
      int contexts) {
    Arbitrary<Double> weight = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0.0)),
        Tuple.of(4, Arbitraries.doubles().between(-2, 2)));
    return Combinators.combine(tabularPrompts(contexts), sequences(space), weight)
        .as(WeightedSequence::of);
  }

  /** Non-empty batches of at most {@code maxSize} {@link #weightedSequences}. */
  public static Arbitrary<List<WeightedSequence>> weightedBatches(SequenceSpace space,
      int contexts, int maxSize) {
    Problems.require(maxSize >= 1, "maxSize", maxSize, "an integer >= 1");
    return weightedSequences(space, contexts).list().ofMinSize(1).ofMaxSize(maxSize);
  }
}
