package dev.bond4j.dsl;

/**
 * The entry point of the fluent API. Each algorithm has its own builder type, which offers the
 * knobs that algorithm reads and no others:
 *
 * <pre>{@code
 * BondRun run = Bond.jbond().policy(policy).reward(reward).prompts(prompts)
 *     .beta(0.5).eta(0.02).gamma(0).build();
 * run.trainer().train(run.settings().steps());
 * }</pre>
 *
 * {@code Bond.reinforce().beta(0.5)} does not compile: REINFORCE has no {@code β}.
 */
public final class Bond {
  private Bond() {}

  /** J-BOND (SPEC S7): N = 2, two-sample reward, EMA anchor. */
  public static JBondBuilder jbond() {
    return new JBondBuilder();
  }

  /** BOND with a fixed {@code n} against the reference, Monte-Carlo quantiles (SPEC S5). */
  public static BondBuilder bond(int n) {
    return new BondBuilder().n(n);
  }

  /** Iterative BOND with Best-of-{@code n} and an anchor copied every {@code every} steps. */
  public static IterativeBondBuilder iterativeBond(int n, int every) {
    return new IterativeBondBuilder().n(n).anchorEvery(every);
  }

  /** vBoN against Best-of-{@code n} of the reference. */
  public static BestOfNBuilder vbon(int n) {
    return new BestOfNBuilder(k -> VBoNSettings.builder().n(k).build(), n);
  }

  /** Best-of-{@code n} SFT. */
  public static BestOfNBuilder bestOfNSft(int n) {
    return new BestOfNBuilder(k -> BestOfNSftSettings.builder().n(k).build(), n);
  }

  /** REINFORCE with leave-one-out baseline and KL penalty. */
  public static ReinforceBuilder reinforce() {
    return new ReinforceBuilder();
  }
}
