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
 * AdamW over the flat parameter buffer, with exactly the semantics of the exact testbed: global
 * gradient-norm clipping, bias-corrected moments, linear warm-up of the learning rate and decoupled
 * weight decay {@code θ ← θ − lr · (m̂ / (sqrt(v̂) + ε) + λ θ)}. Its moments are flat buffers too,
 * so a step is a dozen whole-model operations.
 */
final class AdamW {
  private final OptimizerSettings settings;
  private final Gpt2Parameters parameters;
  final NDArray firstMoment;
  final NDArray secondMoment;
  long steps;

  AdamW(OptimizerSettings settings, Gpt2Parameters parameters) {
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
      double b1 = settings.beta1();
      double b2 = settings.beta2();
      firstMoment.muli((float) b1).addi(gradient.mul((float) ((1 - b1) * clip)));
      secondMoment.muli((float) b2).addi(gradient.square().mul((float) ((1 - b2) * clip * clip)));
      double correction1 = 1 - Math.pow(b1, steps);
      double correction2 = 1 - Math.pow(b2, steps);
      NDArray denominator = secondMoment.div((float) correction2).sqrt()
          .add((float) settings.epsilon());
      NDArray update = firstMoment.div((float) correction1).div(denominator);
      if (settings.weightDecay() > 0) {
        update = update.add(parameters.flat.mul((float) settings.weightDecay()));
      }
      parameters.flat.subi(update.mul((float) lr));
      return norm;
    }
  }
}
