package dev.bond4j.examples.testing;

import static dev.bond4j.testkit.BondAssertions.assertThat;

import dev.bond4j.math.TieRule;
import dev.bond4j.testkit.BestOfNArbitraries;
import dev.bond4j.testkit.RewardedDistribution;
import dev.bond4j.value.TokenSequence;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Property test of the user-written {@link RerankSelector}: over every base distribution and
 * reward the testkit generates (ties and zero-probability atoms included), the candidate it picks
 * from N independent draws has exactly the Best-of-N law under the STRICT tie rule. Exact: all
 * N-tuples of the support are enumerated, no sampling noise.
 */
class RerankSelectorProperties {

  @Provide
  Arbitrary<RewardedDistribution> bases() {
    return BestOfNArbitraries.rewardedDistributions(6, 4);
  }

  /** Candidate {@code i} is the one-token sequence {@code [i]}: support order is token order. */
  private static double[] lawOfTheSelection(RewardedDistribution base, int n) {
    double[] probs = base.probs();
    double[] rewards = base.rewards();
    double[] law = new double[base.size()];
    int[] draw = new int[n];
    int tuples = (int) Math.pow(base.size(), n);
    for (int tuple = 0; tuple < tuples; tuple++) {
      double probability = 1;
      List<TokenSequence> candidates = new ArrayList<>();
      double[] candidateRewards = new double[n];
      for (int k = 0, rest = tuple; k < n; k++, rest /= base.size()) {
        draw[k] = rest % base.size();
        probability *= probs[draw[k]];
        candidates.add(TokenSequence.of(draw[k]));
        candidateRewards[k] = rewards[draw[k]];
      }
      law[draw[RerankSelector.best(candidates, candidateRewards)]] += probability;
    }
    return law;
  }

  @Property(tries = 1000)
  void theSelectionHasTheBestOfNLaw(@ForAll("bases") RewardedDistribution base,
      @ForAll @IntRange(min = 1, max = 4) int n) {
    assertThat(lawOfTheSelection(base, n)).withTolerance(1e-12)
        .isBestOfN(base.probs(), base.rewards(), n, TieRule.STRICT);
  }
}
