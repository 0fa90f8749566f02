package dev.bond4j.quantile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import org.junit.jupiter.api.Test;

/** The learned quantile model: an empirical CDF per prompt over the anchor rewards it has seen. */
class LearnedQuantileEstimatorTest {
  private static final Prompt A = Prompt.of("a", TokenSequence.of(1));
  private static final Prompt B = Prompt.of("b", TokenSequence.of(2));

  @Test
  void answersFromEveryAnchorRewardItRemembersPerPrompt() {
    LearnedQuantileEstimator estimator = new LearnedQuantileEstimator(2, 6);
    estimator.estimate(A, new double[] {0}, new double[] {1, 2});
    estimator.estimate(B, new double[] {0}, new double[] {10, 10});
    double[] p = estimator.estimate(A, new double[] {0.5, 2, 9}, new double[] {3, 4});
    // Four rewards {1, 2, 3, 4} remembered for A; the target counts itself.
    assertThat(p).containsExactly(1 / 5.0, 3 / 5.0, 5 / 5.0);
    assertThat(estimator.remembered(A)).isEqualTo(4);
    assertThat(estimator.remembered(B)).isEqualTo(2);
  }

  @Test
  void forgetsTheOldestRewardsBeyondItsMemory() {
    LearnedQuantileEstimator estimator = new LearnedQuantileEstimator(2, 4);
    estimator.estimate(A, new double[] {0}, new double[] {-5, -5});
    estimator.estimate(A, new double[] {0}, new double[] {1, 1});
    double[] p = estimator.estimate(A, new double[] {0}, new double[] {2, 2});
    // {-5, -5} have been overwritten: no remembered reward is <= 0.
    assertThat(p[0]).isEqualTo(1 / 5.0);
    assertThat(estimator.remembered(A)).isEqualTo(4);
  }

  @Test
  void matchesMonteCarloOnItsFirstCall() {
    double[] anchors = {0.3, -1, 2, 0.3, 5};
    double[] targets = {-2, 0.3, 1, 7};
    assertThat(new LearnedQuantileEstimator(5, 100).estimate(A, targets, anchors))
        .containsExactly(MonteCarloQuantileEstimator.smoothed(5).estimate(targets, anchors));
  }

  @Test
  void rejectsBadSettingsAndInput() {
    assertThatThrownBy(() -> new LearnedQuantileEstimator(4, 2))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("memory");
    LearnedQuantileEstimator estimator = new LearnedQuantileEstimator(2, 8);
    assertThatThrownBy(() -> estimator.estimate(A, new double[] {0}, new double[] {1}))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("referenceRewards.length");
    assertThatThrownBy(() -> estimator.estimate(A, new double[] {0},
        new double[] {1, Double.NaN})).hasMessageContaining("referenceRewards[1]");
  }
}
