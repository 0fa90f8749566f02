package dev.bond4j.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ChiSquareTest {

  @Test
  void survivalMatchesTabulatedCriticalValues() {
    assertThat(ChiSquare.survival(3.841458820694124, 1)).isCloseTo(0.05, within(1e-9));
    assertThat(ChiSquare.survival(18.307038053275146, 10)).isCloseTo(0.05, within(1e-9));
    assertThat(ChiSquare.survival(6.6348966010212145, 1)).isCloseTo(0.01, within(1e-9));
    assertThat(ChiSquare.survival(124.34211340400407, 100)).isCloseTo(0.05, within(1e-9));
    assertThat(ChiSquare.survival(0, 3)).isEqualTo(1.0);
  }

  @Test
  void goodnessOfFitPoolsSparseCellsAndDetectsAMismatch() {
    long[] observed = {480, 520, 3, 1};
    ChiSquare.Fit fit = ChiSquare.goodnessOfFit(observed, new double[] {0.5, 0.496, 0.003, 0.001},
        5);
    assertThat(fit.cells()).isEqualTo(2);
    assertThat(fit.pValue()).isGreaterThan(0.05);
    ChiSquare.Fit bad = ChiSquare.goodnessOfFit(observed, new double[] {0.7, 0.296, 0.003, 0.001},
        5);
    assertThat(bad.pValue()).isLessThan(1e-10);
  }
}
