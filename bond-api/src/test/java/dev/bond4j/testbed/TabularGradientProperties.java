package dev.bond4j.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.WeightedSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The testbed's analytic gradient equals central finite differences of the surrogate loss. */
class TabularGradientProperties {
  private static final SequenceSpace SPACE = SequenceSpace.of(3, 2, 3);

  private static double loss(SequenceSpace space, double[] theta, List<WeightedSequence> batch) {
    double[] lp = TabularPolicy.withLogits(space, 2, theta, OptimizerSettings.defaults())
        .logProbs(batch);
    double loss = 0;
    for (int i = 0; i < lp.length; i++) {
      loss -= batch.get(i).weight() * lp[i];
    }
    return loss;
  }

  @Property(tries = 1000)
  void analyticGradientMatchesFiniteDifferences(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 6) int batchSize) {
    SplittableRandom random = new SplittableRandom(seed);
    TabularPolicy policy = TabularPolicy.random(SPACE, 2, 2.0, seed, OptimizerSettings.defaults());
    List<WeightedSequence> batch = new ArrayList<>();
    for (int i = 0; i < batchSize; i++) {
      batch.add(WeightedSequence.of(TabularPolicy.prompt(random.nextInt(2)),
          SPACE.sequence(random.nextInt(SPACE.size())), random.nextDouble(-2, 2)));
    }
    double[] gradient = policy.gradient(batch);
    double[] theta = policy.parameters();
    double h = 1e-5;
    for (int i = 0; i < theta.length; i++) {
      double[] plus = theta.clone();
      double[] minus = theta.clone();
      plus[i] += h;
      minus[i] -= h;
      double numeric = (loss(SPACE, plus, batch) - loss(SPACE, minus, batch)) / (2 * h);
      // Central differences err by O(h²·|f'''|) ≈ 1e-10 here, plus rounding ≈ 1e-11 / h.
      assertThat(gradient[i]).as("parameter %d", i).isCloseTo(numeric,
          org.assertj.core.api.Assertions.within(1e-6));
    }
  }
}
