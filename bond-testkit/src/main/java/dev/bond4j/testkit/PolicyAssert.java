package dev.bond4j.testkit;

import dev.bond4j.math.KullbackLeibler;
import dev.bond4j.testbed.ExactDistribution;
import dev.bond4j.testbed.SequenceSpace;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a policy whose distribution is known exactly (a {@link
 * dev.bond4j.testbed.TabularPolicy} or a snapshot of one), context by context.
 */
public final class PolicyAssert extends AbstractAssert<PolicyAssert, ExactDistribution> {
  PolicyAssert(ExactDistribution actual) {
    super(actual, PolicyAssert.class);
  }

  /**
   * The divergence {@code KL(policy ‖ reference)} in each context, for bounds such as {@code
   * hasKlFrom(reference).atMost(0.1)}. Fails when the two do not share a space and contexts.
   */
  public KlAssert hasKlFrom(ExactDistribution reference) {
    isNotNull();
    SequenceSpace mine = actual.space();
    SequenceSpace theirs = reference.space();
    if (mine.size() != theirs.size() || mine.vocabularySize() != theirs.vocabularySize()
        || mine.eosToken() != theirs.eosToken() || actual.contexts() != reference.contexts()) {
      failWithMessage("Expected a reference over the policy's space (vocabulary %d, EOS %d, %d"
          + " sequences) and %d contexts, but it has vocabulary %d, EOS %d, %d sequences and"
          + " %d contexts", mine.vocabularySize(), mine.eosToken(), mine.size(),
          actual.contexts(), theirs.vocabularySize(), theirs.eosToken(), theirs.size(),
          reference.contexts());
    }
    double[] kl = new double[actual.contexts()];
    for (int c = 0; c < kl.length; c++) {
      kl[c] = KullbackLeibler.divergence(actual.distribution(c), reference.distribution(c));
    }
    return new KlAssert(kl, "policy").as(info.description());
  }
}
