package dev.bond4j.anchor;

import dev.bond4j.model.Policy;
import dev.bond4j.model.TrainablePolicy;
import java.nio.file.Path;

/**
 * The anchor {@code π_anc} that a BOND step distils Best-of-N of, and the rule that moves it as
 * training goes on: fixed (plain BOND, vBoN), a periodic copy of the policy (iterative BOND, SPEC
 * S6) or an exponential moving average of its parameters (J-BOND, SPEC S7.7). A moving anchor owns
 * the snapshot {@link #periodic} or {@link #ema} took, and {@link #close} frees it; a fixed anchor
 * owns nothing.
 */
public interface Anchor extends AutoCloseable {
  /** The anchor policy now. */
  Policy policy();

  /**
   * Called after optimizer step {@code step} (1-based) of {@code policy}; moves the anchor.
   *
   * @return whether the anchor changed
   */
  boolean afterStep(TrainablePolicy policy, long step);

  /** Writes the anchor's state for a checkpoint; a fixed anchor has none. */
  void save(Path directory);

  /** Restores what {@link #save} wrote. */
  void restore(Path directory);

  /** Closes the snapshot the anchor owns, if any; the anchor must not be used afterwards. */
  @Override
  default void close() {}

  /** An anchor that never moves; it does not own {@code policy} and never closes it. */
  static Anchor fixed(Policy policy) {
    return new FixedAnchor(policy);
  }

  /** Starts at the policy's current parameters and copies them every {@code every} steps. */
  static Anchor periodic(TrainablePolicy policy, int every) {
    return new PeriodicAnchor(policy.snapshot(), every);
  }

  /** Starts at the policy's current parameters and follows them with EMA rate {@code eta}. */
  static Anchor ema(TrainablePolicy policy, double eta) {
    return new EmaAnchor(policy.snapshot(), eta);
  }
}
