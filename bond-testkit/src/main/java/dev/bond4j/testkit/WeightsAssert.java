package dev.bond4j.testkit;

import dev.bond4j.Problems;
import dev.bond4j.testbed.TabularPolicy;
import java.util.function.ToDoubleFunction;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on the weights a training rule produces, checked on the exact testbed: the update
 * direction they induce against finite differences of an objective.
 */
public final class WeightsAssert extends AbstractAssert<WeightsAssert, WeightedBatch> {
  /** Default tolerance, absolute and relative, per parameter. */
  public static final double DEFAULT_TOLERANCE = 1e-6;
  /** Step of the central differences. */
  public static final double STEP = 1e-5;

  private double tolerance = DEFAULT_TOLERANCE;

  WeightsAssert(WeightedBatch actual) {
    super(actual, WeightsAssert.class);
  }

  /**
   * Allows {@code |actual − expected| <= tolerance · (1 + |expected|)} per parameter from now on.
   */
  public WeightsAssert withTolerance(double tolerance) {
    Problems.require(tolerance > 0 && Double.isFinite(tolerance), "tolerance", tolerance,
        "a finite number > 0");
    this.tolerance = tolerance;
    return this;
  }

  /**
   * Checks that the weights ascend {@code objective}: {@code −∇L(θ)} of the weighted surrogate
   * loss equals {@code ∇J(θ)} at the batch's policy, where {@code ∇J} is taken by central
   * differences of step {@value #STEP} on every logit. {@code objective} is evaluated on copies
   * of the policy with one logit moved; it must be smooth in the logits (central differences err
   * by about {@code STEP² · |J'''|}).
   *
   * @param objective {@code J}, for example the exact expected reward of a policy
   */
  public WeightsAssert haveGradientOf(ToDoubleFunction<? super TabularPolicy> objective) {
    isNotNull();
    TabularPolicy policy = actual.policy();
    double[] theta = policy.parameters();
    double[] ascent = policy.gradient(actual.batch());
    double[] numeric = new double[theta.length];
    for (int i = 0; i < theta.length; i++) {
      ascent[i] = -ascent[i];
      numeric[i] = (objective.applyAsDouble(shifted(policy, theta, i, STEP))
          - objective.applyAsDouble(shifted(policy, theta, i, -STEP))) / (2 * STEP);
    }
    int states = policy.space().stateCount();
    int vocabulary = policy.vocabularySize();
    Differences differences = Differences.between(ascent, numeric, tolerance, tolerance,
        i -> String.format("θ[%d] (context %d, state %d, token %d)", i,
            i / (states * vocabulary), i / vocabulary % states, i % vocabulary));
    if (!differences.none()) {
      failWithMessage("Expected the weights' ascent direction −∇L to equal the objective's"
          + " gradient ∇J (central differences, step %s, tolerance %s), but %s", STEP,
          tolerance, differences.describe(theta.length, "parameters"));
    }
    return this;
  }

  private static TabularPolicy shifted(TabularPolicy policy, double[] theta, int i, double h) {
    double[] moved = theta.clone();
    moved[i] += h;
    return TabularPolicy.withLogits(policy.space(), policy.contexts(), moved,
        policy.optimizerSettings());
  }
}
