package dev.bond4j.paper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.stats.StudentT;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Confidence intervals over seeds and the verdicts drawn from them. */
class SeedStatisticTest {
  private static final long[] SEEDS = {1, 2, 3, 4, 5};

  @Test
  void intervalIsTheStudentTIntervalOfTheMean() {
    double[] values = {1, 2, 3, 4, 5};
    SeedStatistic s = SeedStatistic.of("x", Requirement.INTERVAL_ABOVE_ZERO, SEEDS, values);
    // mean 3, sd sqrt(2.5), half-width 2.776 * sqrt(2.5 / 5).
    assertThat(s.mean()).isCloseTo(3, within(1e-12));
    assertThat(s.high() - s.mean()).isCloseTo(2.776 * Math.sqrt(0.5), within(1e-12));
    assertThat(s.holds()).isTrue();
  }

  @Test
  void aTieDoesNotPassEvenWhenMostSeedsArePositive() {
    double[] values = {0.02, 0.01, 0.03, -0.04, 0.01};
    assertThat(SeedStatistic.of("x", Requirement.INTERVAL_ABOVE_ZERO, SEEDS, values).holds())
        .isFalse();
    assertThat(SeedStatistic.of("x", Requirement.EVERY_SEED_ABOVE_ZERO, SEEDS, values).holds())
        .isFalse();
    assertThat(SeedStatistic.of("x", Requirement.REPORTED, SEEDS, values).holds()).isTrue();
  }

  @Test
  void aMissingValueFailsItsRequirement() {
    double[] values = {1, 2, Double.NaN, 4, 5};
    assertThat(SeedStatistic.of("x", Requirement.INTERVAL_ABOVE_ZERO, SEEDS, values).holds())
        .isFalse();
  }

  @Test
  void studentQuantilesMatchTablesAndApproachTheNormal() {
    assertThat(StudentT.quantile975(4)).isEqualTo(2.776);
    assertThat(StudentT.quantile975(40)).isCloseTo(2.021, within(1e-3));
    assertThat(StudentT.quantile975(120)).isCloseTo(1.980, within(1e-3));
    Assertions.assertThatThrownBy(() -> StudentT.quantile975(0))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("df");
  }

  @Test
  void rejectsMismatchedLengths() {
    Assertions.assertThatThrownBy(() -> SeedStatistic.of("x", Requirement.REPORTED, SEEDS,
        new double[] {1, 2})).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("values.length");
  }
}
