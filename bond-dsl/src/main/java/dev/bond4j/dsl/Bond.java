package dev.bond4j.dsl;

/**
 * The entry point of the fluent API:
 *
 * <pre>{@code
 * BondRun run = Bond.jbond().policy(policy).reward(reward).prompts(prompts)
 *     .beta(0.5).eta(0.02).gamma(0).build();
 * run.trainer().train(run.settings().steps());
 * }</pre>
 */
public final class Bond {
  private Bond() {}

  /** J-BOND (SPEC S7): N = 2, two-sample reward, EMA anchor. */
  public static RunBuilder jbond() {
    return start(Algorithm.JBOND);
  }

  /** BOND with a fixed {@code n} against the reference, Monte-Carlo quantiles (SPEC S5). */
  public static RunBuilder bond(int n) {
    return start(Algorithm.BOND).n(n);
  }

  /** Iterative BOND with Best-of-{@code n} and an anchor copied every {@code every} steps. */
  public static RunBuilder iterativeBond(int n, int every) {
    return start(Algorithm.ITERATIVE_BOND).n(n).anchorEvery(every);
  }

  /** vBoN against Best-of-{@code n} of the reference. */
  public static RunBuilder vbon(int n) {
    return start(Algorithm.VBON).n(n);
  }

  /** Best-of-{@code n} SFT. */
  public static RunBuilder bestOfNSft(int n) {
    return start(Algorithm.BON_SFT).n(n);
  }

  /** REINFORCE with leave-one-out baseline and KL penalty. */
  public static RunBuilder reinforce() {
    return start(Algorithm.REINFORCE);
  }

  /** A builder for {@code algorithm} with its defaults. */
  public static RunBuilder start(Algorithm algorithm) {
    return new RunBuilder(algorithm, AlgorithmSettings.builder());
  }
}
