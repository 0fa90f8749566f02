package dev.bond4j.testbed;

import static dev.bond4j.testkit.BondAssertions.assertThat;

import dev.bond4j.testkit.TestbedArbitraries;
import dev.bond4j.testkit.WeightedBatch;
import dev.bond4j.value.WeightedSequence;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The testbed's analytic gradient equals central finite differences of the surrogate loss. */
class TabularGradientProperties {

  @Provide
  Arbitrary<WeightedBatch> batches() {
    return TestbedArbitraries.tabularPolicies().flatMap(policy ->
        TestbedArbitraries.weightedBatches(policy.space(), policy.contexts(), 6)
            .map(batch -> WeightedBatch.of(policy, batch)));
  }

  /** {@code J(θ) = Σ w_i log π_θ(y_i|x_i)}, weights fixed: its gradient is −∇L by definition. */
  private static double weightedLogLikelihood(TabularPolicy policy,
      List<WeightedSequence> batch) {
    double[] logProbs = policy.logProbs(batch);
    double sum = 0;
    for (int i = 0; i < logProbs.length; i++) {
      sum += batch.get(i).weight() * logProbs[i];
    }
    return sum;
  }

  @Property(tries = 1000)
  void analyticGradientMatchesFiniteDifferences(@ForAll("batches") WeightedBatch weights) {
    assertThat(weights)
        .haveGradientOf(policy -> weightedLogLikelihood(policy, weights.batch()));
  }
}
