package dev.bond4j.dsl;

import dev.bond4j.Problems;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.math.TieRule;
import dev.bond4j.value.BondStyle;
import org.immutables.value.Value;

/**
 * Every knob of every algorithm, with the names configuration files use and the paper's defaults.
 * The same validated type backs the fluent builder and the config files, so a value means the
 * same thing everywhere; validation reports every problem at once.
 */
@Value.Immutable
@BondStyle
public abstract class AlgorithmSettings {
  /** The algorithm. */
  @Value.Default
  public Algorithm algorithm() {
    return Algorithm.JBOND;
  }

  /** {@code β} of the Jeffreys divergence, in [0, 1]. */
  @Value.Default
  public double beta() {
    return 0.5;
  }

  /** EMA rate {@code η} of J-BOND's anchor, in [0, 1]. */
  @Value.Default
  public double eta() {
    return 0.02;
  }

  /** Weight {@code γ >= 0} of J-BOND's extra KL regulariser. */
  @Value.Default
  public double gamma() {
    return 0.0;
  }

  /** Steps between anchor copies: iterative BOND's period; for J-BOND, > 0 replaces the EMA. */
  @Value.Default
  public int anchorEvery() {
    return 0;
  }

  /** The N of Best-of-N (BOND, iterative BOND, vBoN, Best-of-N SFT). */
  @Value.Default
  public int n() {
    return algorithm() == Algorithm.JBOND || algorithm() == Algorithm.ITERATIVE_BOND ? 2 : 8;
  }

  /** Base samples per prompt of the Monte-Carlo quantile estimate (BOND, iterative BOND). */
  @Value.Default
  public int quantileSamples() {
    return 8;
  }

  /** KL coefficient {@code β_RL} of REINFORCE. */
  @Value.Default
  public double klCoefficient() {
    return 0.01;
  }

  /** Policy samples per prompt of REINFORCE. */
  @Value.Default
  public int samplesPerPrompt() {
    return 2;
  }

  /** Prompts per step. */
  @Value.Default
  public int batchSize() {
    return TrainingSettings.DEFAULT_BATCH_SIZE;
  }

  /** Longest completion, EOS included. */
  @Value.Default
  public int maxNewTokens() {
    return TrainingSettings.DEFAULT_MAX_NEW_TOKENS;
  }

  /** Training steps of a run. */
  @Value.Default
  public int steps() {
    return 100;
  }

  /** The run seed. */
  @Value.Default
  public long seed() {
    return 0;
  }

  /** The Best-of-N tie rule. */
  @Value.Default
  public TieRule tieRule() {
    return TieRule.STRICT;
  }

  /** Steps between the reference's scoring passes for {@code kl/ref} (1: every step). */
  @Value.Default
  public int referenceEvery() {
    return 1;
  }

  /** A builder with the defaults. */
  public static ImmutableAlgorithmSettings.Builder builder() {
    return ImmutableAlgorithmSettings.builder();
  }

  /** A builder holding these settings. */
  public ImmutableAlgorithmSettings.Builder toBuilder() {
    return builder().from(this);
  }

  @Value.Check
  protected void check() {
    Problems.of("settings")
        .inClosed("beta", beta(), 0, 1)
        .inClosed("eta", eta(), 0, 1)
        .check(gamma() >= 0 && Double.isFinite(gamma()), "gamma", gamma(), "a finite number >= 0")
        .atLeast("anchorEvery", anchorEvery(), 0)
        .check(algorithm() != Algorithm.ITERATIVE_BOND || anchorEvery() >= 1, "anchorEvery",
            anchorEvery(), "an integer >= 1 for iterative-bond")
        .atLeast("n", n(), 2)
        .check(algorithm() != Algorithm.JBOND || n() == 2, "n", n(), "2 for jbond")
        .atLeast("quantileSamples", quantileSamples(), 1)
        .check(klCoefficient() >= 0 && Double.isFinite(klCoefficient()), "klCoefficient",
            klCoefficient(), "a finite number >= 0")
        .atLeast("samplesPerPrompt", samplesPerPrompt(), 2)
        .atLeast("batchSize", batchSize(), 1)
        .atLeast("maxNewTokens", maxNewTokens(), 1)
        .atLeast("steps", steps(), 1)
        .atLeast("referenceEvery", referenceEvery(), 1)
        .check(algorithm() != Algorithm.REINFORCE || klCoefficient() == 0
            || referenceEvery() <= 1, "referenceEvery", referenceEvery(),
            "1 for reinforce with klCoefficient > 0 (its KL penalty reads the reference each step)")
        .throwIfAny();
  }
}
