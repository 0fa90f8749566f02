package dev.bond4j.paper;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The paper's claims (SPEC S11) on the exact testbed, with the published settings: 800 steps of
 * every run, evaluated exactly every 20 steps. Each claim's criterion is fixed in {@link
 * PaperClaims} and stated in its result. Two claims do not hold in this setting; their tests
 * assert the parts that do and the reason the rest does not, so a change in either fails here.
 */
class PaperClaimsTest {
  private static PaperClaims claims;
  private static Map<String, ClaimResult> results;

  @BeforeAll
  static void runAllClaims() {
    claims = new PaperClaims(PaperSettings.defaults());
    results = new java.util.LinkedHashMap<>();
    for (ClaimResult result : claims.runAll().claims()) {
      results.put(result.id(), result);
    }
  }

  private static double figure(String claim, String key) {
    return ((Number) results.get(claim).figures().get(key)).doubleValue();
  }

  @Test
  void c1BestOfNSamplingMatchesTheExactLaw() {
    assertThat(results.get("C1").holds()).isTrue();
  }

  @Test
  void c2JeffreysKeepsBothDivergencesLow() {
    assertThat(results.get("C2").holds()).isTrue();
    assertThat(figure("C2", "beta_0.5/kl_forward")).isLessThan(figure("C2", "beta_1.0/kl_forward"));
    assertThat(figure("C2", "beta_0.5/kl_backward"))
        .isLessThan(figure("C2", "beta_0.0/kl_backward"));
  }

  @Test
  void c3IterativeBondOutgrowsEveryFixedN() {
    // Holds: iterative BOND ends far above every fixed N in log-quantile.
    for (String iterative : List.of("iterative BOND n=2", "iterative BOND n=4")) {
      for (String fixed : List.of("BOND N=4", "BOND N=8", "BOND N=16")) {
        assertThat(figure("C3", iterative + "/log_quantile"))
            .isGreaterThan(figure("C3", fixed + "/log_quantile"));
      }
    }
    // Does not hold within 800 steps: fixed-N runs have not reached their Best-of-N
    // log-quantile yet, so saturation is not demonstrated, and the claim is reported false.
    assertThat(figure("C3", "BOND N=16/log_quantile"))
        .isLessThan(figure("C3", "BOND N=16/best_of_n_log_quantile"));
    assertThat(results.get("C3").holds()).isFalse();
  }

  @Test
  void c4TheJBondRewardIsCalibrated() {
    assertThat(results.get("C4").holds()).isTrue();
    assertThat(figure("C4", "max_abs_error_enumeration")).isLessThan(1e-12);
  }

  @Test
  void c5JBondMatchesReinforceExceptAtTheKlRegularisedOptimum() {
    ClaimResult c5 = results.get("C5");
    assertThat(figure("C5", "jbond/kl_linear_r2")).isGreaterThanOrEqualTo(0.95);
    for (String beta : List.of("0.001", "0.01", "0.1")) {
      assertThat(figure("C5", "REINFORCE beta_RL=" + beta + "/worst_margin"))
          .isGreaterThanOrEqualTo(-PaperClaims.REWARD_TOLERANCE);
    }
    // The exponential tilts pi_ref·exp(λr)/Z trace the exact reward/KL frontier; REINFORCE with
    // beta_RL = 1 converges to the tilt λ = 1, so it ends nearer the frontier than J-BOND at the
    // same KL, and J-BOND cannot lie above it there: the claim does not hold on this testbed.
    RewardKlFrontier frontier = new RewardKlFrontier(claims.testbed());
    Curve jbond = claims.jBond(0.02, 0);
    Curve reinforce = claims.reinforce(1.0);
    for (Curve curve : List.of(jbond, reinforce)) {
      for (int i = 0; i < curve.size(); i++) {
        assertThat(curve.reward()[i]).as("%s at %s", curve.label(), i)
            .isLessThanOrEqualTo(frontier.rewardAt(curve.klFromReference()[i]) + 1e-9);
      }
    }
    double kl = Curve.last(reinforce.klFromReference());
    double reinforceGap = frontier.rewardAt(kl) - Curve.last(reinforce.reward());
    double jbondGap = frontier.rewardAt(kl) - jbond.rewardAtKl(kl);
    assertThat(reinforceGap).isLessThan(jbondGap);
    assertThat(figure("C5", "REINFORCE beta_RL=1.0/worst_margin"))
        .isLessThan(-PaperClaims.REWARD_TOLERANCE);
    assertThat(c5.holds()).isFalse();
  }

  @Test
  void c6EmaAnchorAndTheEffectsOfEtaAndGamma() {
    assertThat(results.get("C6").holds()).isTrue();
  }

  @Test
  void c7JBondBeatsVbonForEveryN() {
    assertThat(results.get("C7").holds()).isTrue();
  }

  @Test
  void everyClaimCarriesItsFiguresAndPlots() {
    assertThat(results.keySet()).containsExactly("C1", "C2", "C3", "C4", "C5", "C6", "C7");
    assertThat(results.values()).allSatisfy(r -> assertThat(r.figures()).isNotEmpty());
    assertThat(results.values().stream().flatMap(r -> r.plots().stream()).map(Figure::id))
        .containsExactly("fig7", "fig3", "fig5", "fig4", "fig10", "fig11", "fig6");
  }
}
