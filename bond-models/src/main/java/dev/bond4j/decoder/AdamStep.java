package dev.bond4j.decoder;

import dev.bond4j.NumericalException;
import dev.bond4j.value.OptimizerSettings;

/**
 * The scalars of one AdamW step, the same for every engine (the exact testbed's semantics): the
 * global gradient-norm clipping factor, the learning rate after warm-up, and the bias corrections
 * {@code 1 − β^t}. An engine applies {@code θ ← θ − lr · (m̂ / (sqrt(v̂) + ε) + λ θ)} with the
 * gradient scaled by {@link #clip}.
 *
 * @param step the step number {@code t}, from 1
 * @param norm the global gradient norm before clipping
 * @param clip the factor that scales the gradient to at most {@code maxGradNorm}
 * @param learningRate the learning rate at this step
 * @param correction1 {@code 1 − β1^t}
 * @param correction2 {@code 1 − β2^t}
 */
public record AdamStep(long step, double norm, double clip, double learningRate,
    double correction1, double correction2) {
  /**
   * The scalars of step {@code previousSteps + 1} for a gradient of norm {@code norm}.
   *
   * @throws NumericalException when the norm is not finite; the engine must then leave the
   *     parameters untouched
   */
  public static AdamStep next(OptimizerSettings settings, long previousSteps, double norm) {
    if (!Double.isFinite(norm)) {
      throw new NumericalException("The gradient norm is " + norm + "; the step was skipped");
    }
    long step = previousSteps + 1;
    double clip = settings.maxGradNorm() > 0 && norm > settings.maxGradNorm()
        ? settings.maxGradNorm() / norm : 1.0;
    return new AdamStep(step, norm, clip, settings.learningRateAt(step),
        1 - Math.pow(settings.beta1(), step), 1 - Math.pow(settings.beta2(), step));
  }
}
