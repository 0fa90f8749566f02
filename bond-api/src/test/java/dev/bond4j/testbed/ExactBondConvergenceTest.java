package dev.bond4j.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.math.BondReward;
import dev.bond4j.math.DiscreteBestOfN;
import dev.bond4j.math.KullbackLeibler;
import dev.bond4j.math.TieRule;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.WeightedSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fixed point of the BOND objective is the Best-of-N distribution. With the exact
 * {@code r_BOND = log p≤ + log C / (N−1)} and expected gradients enumerated over the whole sequence
 * space (no sampling), the BOND loss of {@code BondTrainer}, {@code −(1−β) log π(y_BoN) −
 * β (N−1) sg(R − b) log π(y)} with {@code R = r_BOND − (log π − log π_ref)/(N−1)} and the
 * baseline {@code b = E_π[R]}, drives a tabular policy to {@code KL(π || π_BoN) < 1e-4}.
 */
class ExactBondConvergenceTest {
  private static final SequenceSpace SPACE = SequenceSpace.of(4, 0, 3);
  private static final int CONTEXTS = 2;
  private static final int STEPS = 15_000;

  @ParameterizedTest(name = "N = {0}, beta = {1}")
  @CsvSource({"2, 0", "2, 0.5", "2, 1", "4, 0", "4, 0.5", "4, 1", "8, 0", "8, 0.5", "8, 1"})
  void bondWithTheExactRewardConvergesToBestOfN(int n, double beta) {
    assertThat(trainedKlToBestOfN(n, beta, true)).isLessThan(1e-4);
  }

  /**
   * A planted error the test must see: the practical reward {@code log p≤} drops
   * {@code log C/(N−1)} and so moves the backward term's fixed point away from Best-of-N.
   */
  @ParameterizedTest(name = "N = {0}")
  @CsvSource({"4", "8"})
  void droppingTheCorrectionTermMissesBestOfN(int n) {
    assertThat(trainedKlToBestOfN(n, 1.0, false)).isGreaterThan(1e-3);
  }

  /** {@code KL(π || π_BoN)} after training from {@code π_ref} on expected gradients. */
  private static double trainedKlToBestOfN(int n, double beta, boolean withCorrection) {
    OptimizerSettings adam = OptimizerSettings.builder().learningRate(0.05).build();
    TabularSnapshot reference = TabularPolicy.random(SPACE, CONTEXTS, 1.0, 7, adam).snapshot();
    SplittableRandom random = new SplittableRandom(11);
    TabularReward reward = TabularReward.of(SPACE, CONTEXTS, (c, y) -> random.nextDouble());
    double[][] bestOfN = new double[CONTEXTS][];
    double[][] rBond = new double[CONTEXTS][];
    for (int c = 0; c < CONTEXTS; c++) {
      DiscreteBestOfN law = DiscreteBestOfN.of(reference.distribution(c), reward.rewards(c));
      bestOfN[c] = law.law(n, TieRule.STRICT);
      double[] quantile = law.quantile(TieRule.STRICT);
      double[] correction = law.correctionFactors(n);
      rBond[c] = new double[SPACE.size()];
      for (int y = 0; y < SPACE.size(); y++) {
        rBond[c][y] = withCorrection ? BondReward.exact(quantile[y], correction[y], n)
            : BondReward.approximate(quantile[y]);
      }
    }
    TabularPolicy policy = TabularPolicy.copyOf(reference, adam);
    double initial = klToBestOfN(policy, bestOfN);
    for (int step = 0; step < STEPS; step++) {
      policy.update(expectedLoss(policy, reference, bestOfN, rBond, n, beta));
    }
    assertThat(initial).isGreaterThan(1e-2);
    return klToBestOfN(policy, bestOfN);
  }

  /** Every sequence of every context, weighted by its expected weight in the BOND loss. */
  private static List<WeightedSequence> expectedLoss(TabularPolicy policy,
      TabularSnapshot reference, double[][] bestOfN, double[][] rBond, int n, double beta) {
    List<WeightedSequence> batch = new ArrayList<>();
    double betaBond = BondReward.beta(n);
    for (int c = 0; c < CONTEXTS; c++) {
      double[] pi = policy.distribution(c);
      double[] ref = reference.distribution(c);
      double[] returns = new double[pi.length];
      double baseline = 0;
      for (int y = 0; y < pi.length; y++) {
        returns[y] = rBond[c][y] - betaBond * (Math.log(pi[y]) - Math.log(ref[y]));
        baseline += pi[y] * returns[y];
      }
      for (int y = 0; y < pi.length; y++) {
        double forward = (1 - beta) * bestOfN[c][y];
        double backward = beta * (n - 1) * pi[y] * (returns[y] - baseline);
        batch.add(WeightedSequence.of(TabularPolicy.prompt(c), SPACE.sequence(y),
            (forward + backward) / CONTEXTS));
      }
    }
    return batch;
  }

  private static double klToBestOfN(TabularPolicy policy, double[][] bestOfN) {
    double kl = 0;
    for (int c = 0; c < CONTEXTS; c++) {
      kl += KullbackLeibler.divergence(policy.distribution(c), bestOfN[c]) / CONTEXTS;
    }
    return kl;
  }
}
