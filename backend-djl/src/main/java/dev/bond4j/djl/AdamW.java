package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.NumericalException;
import dev.bond4j.value.OptimizerSettings;

/**
 * AdamW over the flat parameter buffer, with the semantics of the exact testbed: global
 * gradient-norm clipping, bias-corrected moments, linear warm-up of the learning rate and decoupled
 * weight decay {@code θ ← θ − lr · (m̂ / (sqrt(v̂) + ε) + λ θ)}. Its moments are flat buffers too,
 * so a step is one fused engine update over the whole model.
 */
final class AdamW {
  private final OptimizerSettings settings;
  private final DjlParameters parameters;
  final NDArray firstMoment;
  final NDArray secondMoment;
  long steps;

  AdamW(OptimizerSettings settings, DjlParameters parameters) {
    this.settings = settings;
    this.parameters = parameters;
    NDManager manager = parameters.manager;
    this.firstMoment = manager.zeros(parameters.flat.getShape());
    this.secondMoment = manager.zeros(parameters.flat.getShape());
  }

  OptimizerSettings settings() {
    return settings;
  }

  /** Zeroes the accumulated gradients of every parameter. */
  void zeroGradients() {
    for (NDArray view : parameters.views) {
      JniUtils.zeroGrad((PtNDArray) view);
    }
  }

  /**
   * Applies one step with the accumulated gradients.
   *
   * @return the global gradient norm before clipping
   * @throws NumericalException when the gradient is not finite; the parameters are then untouched
   */
  double step() {
    try (NDScope scope = new NDScope()) {
      NDList parts = new NDList(parameters.views.length);
      for (NDArray view : parameters.views) {
        parts.add(view.getGradient().reshape(-1));
      }
      NDArray gradient = NDArrays.concat(parts);
      double norm = gradient.norm().getFloat();
      if (!Double.isFinite(norm)) {
        throw new NumericalException("The gradient norm is " + norm + "; the step was skipped");
      }
      double clip = settings.maxGradNorm() > 0 && norm > settings.maxGradNorm()
          ? settings.maxGradNorm() / norm : 1.0;
      steps++;
      double lr = settings.learningRateAt(steps);
      double correction1 = 1 - Math.pow(settings.beta1(), steps);
      double correction2 = 1 - Math.pow(settings.beta2(), steps);
      // The engine's fused update computes θ ← θ − λ·lr·θ; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2)
      // g²; θ ← θ − c · m / (sqrt(v) + ε'). With c = lr·sqrt(c2)/c1 and ε' = ε·sqrt(c2) this is
      // exactly θ − lr·(m̂ / (sqrt(v̂) + ε) + λθ) with m̂ = m/c1, v̂ = v/c2; the clipping factor
      // rescales g. Its elementwise clamp is disabled (-1).
      JniUtils.adamUpdate((PtNDArray) parameters.flat, (PtNDArray) gradient,
          (PtNDArray) firstMoment, (PtNDArray) secondMoment, (float) lr,
          (float) (lr * Math.sqrt(correction2) / correction1), (float) settings.weightDecay(),
          (float) clip, -1f, (float) settings.beta1(), (float) settings.beta2(),
          (float) (settings.epsilon() * Math.sqrt(correction2)), settings.weightDecay() > 0);
      return norm;
    }
  }
}
