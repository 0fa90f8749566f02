package dev.bond4j.quantile;

import java.util.stream.DoubleStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.InvalidArgumentException;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Properties of the Monte-Carlo quantile estimators (SPEC S4). */
class MonteCarloQuantileEstimatorProperties {

  private static double[] toArray(List<Integer> values) {
    return values.stream().mapToDouble(Integer::doubleValue).toArray();
  }

  /** The smoothed estimate is never 0, so log p̂≤ stays finite; both forms stay within [0, 1]. */
  @Property(tries = 1000)
  void estimatesLieInTheUnitInterval(
      @ForAll @Size(min = 1, max = 40) List<@IntRange(min = -5, max = 5) Integer> reference,
      @ForAll @Size(min = 1, max = 10) List<@IntRange(min = -6, max = 6) Integer> targets) {
    double[] ref = toArray(reference);
    double[] smoothed = MonteCarloQuantileEstimator.smoothed(ref.length)
        .estimate(toArray(targets), ref);
    double[] raw = MonteCarloQuantileEstimator.raw(ref.length).estimate(toArray(targets), ref);
    assertThat(DoubleStream.of(smoothed)).allSatisfy(p -> assertThat(p).isGreaterThan(0).isLessThanOrEqualTo(1));
    assertThat(DoubleStream.of(raw)).allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));
  }

  /** A higher reward never gets a lower quantile. */
  @Property(tries = 1000)
  void estimatesAreMonotoneInTheReward(
      @ForAll @Size(min = 1, max = 40) List<@IntRange(min = -5, max = 5) Integer> reference,
      @ForAll @IntRange(min = -6, max = 6) int low, @ForAll @IntRange(min = 0, max = 6) int gap) {
    double[] ref = toArray(reference);
    for (MonteCarloQuantileEstimator estimator : List.of(
        MonteCarloQuantileEstimator.smoothed(ref.length),
        MonteCarloQuantileEstimator.raw(ref.length))) {
      double[] q = estimator.estimate(new double[] {low, low + gap}, ref);
      assertThat(q[1]).isGreaterThanOrEqualTo(q[0]);
    }
  }

  /** The raw estimate is the empirical CDF; the smoothed one counts the target itself. */
  @Property(tries = 1000)
  void estimatesCountTheSamplesAtOrBelow(
      @ForAll @Size(min = 1, max = 40) List<@IntRange(min = -5, max = 5) Integer> reference,
      @ForAll @IntRange(min = -6, max = 6) int target) {
    double[] ref = toArray(reference);
    long atMost = reference.stream().filter(r -> r <= target).count();
    assertThat(MonteCarloQuantileEstimator.raw(ref.length).estimate(new double[] {target}, ref)[0])
        .isEqualTo((double) atMost / ref.length);
    assertThat(MonteCarloQuantileEstimator.smoothed(ref.length)
        .estimate(new double[] {target}, ref)[0]).isEqualTo((1.0 + atMost) / (ref.length + 1));
  }

  @Test
  void rejectsAWrongSampleCountAndNaN() {
    assertThatThrownBy(() -> MonteCarloQuantileEstimator.smoothed(3)
        .estimate(new double[] {1}, new double[] {1, Double.NaN}))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("referenceRewards.length = 2")
        .hasMessageContaining("referenceRewards[1] = NaN");
    assertThatThrownBy(() -> MonteCarloQuantileEstimator.raw(0))
        .hasMessageContaining("samples = 0");
  }
}
