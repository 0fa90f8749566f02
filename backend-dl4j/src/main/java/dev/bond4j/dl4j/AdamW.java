package dev.bond4j.dl4j;

import dev.bond4j.NumericalException;
import dev.bond4j.value.OptimizerSettings;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * AdamW over the flat parameter buffer, with the semantics of the exact testbed: global
 * gradient-norm clipping, bias-corrected moments, linear warm-up of the learning rate and decoupled
 * weight decay {@code θ ← θ − lr · (m̂ / (sqrt(v̂) + ε) + λ θ)}. Moments, the gradient and two
 * scratch buffers are flat arrays allocated once, and a step works on them in place, so it
 * allocates no native memory.
 */
final class AdamW implements AutoCloseable {
  private final OptimizerSettings settings;
  private final Dl4jParameters parameters;
  final INDArray gradient;
  final INDArray[] gradientViews;
  final INDArray firstMoment;
  final INDArray secondMoment;
  private final INDArray scratch;
  private final INDArray update;
  long steps;

  AdamW(OptimizerSettings settings, Dl4jParameters parameters) {
    this.settings = settings;
    this.parameters = parameters;
    this.gradient = parameters.zerosLike();
    this.gradientViews = Dl4jParameters.viewsOf(gradient, parameters.layout);
    this.firstMoment = parameters.zerosLike();
    this.secondMoment = parameters.zerosLike();
    this.scratch = parameters.zerosLike();
    this.update = parameters.zerosLike();
  }

  OptimizerSettings settings() {
    return settings;
  }

  /** Zeroes the accumulated gradient. */
  void zeroGradients() {
    gradient.assign(0);
  }

  /**
   * Applies one step with the accumulated gradient.
   *
   * @return the global gradient norm before clipping
   * @throws NumericalException when the gradient is not finite; the parameters are then untouched
   */
  double step() {
    double norm = gradient.norm2Number().doubleValue();
    if (!Double.isFinite(norm)) {
      throw new NumericalException("The gradient norm is " + norm + "; the step was skipped");
    }
    if (settings.maxGradNorm() > 0 && norm > settings.maxGradNorm()) {
      gradient.muli(settings.maxGradNorm() / norm);
    }
    steps++;
    double lr = settings.learningRateAt(steps);
    double beta1 = settings.beta1();
    double beta2 = settings.beta2();
    firstMoment.muli(beta1).addi(scratch.assign(gradient).muli(1 - beta1));
    secondMoment.muli(beta2).addi(scratch.assign(gradient).muli(gradient).muli(1 - beta2));
    scratch.assign(secondMoment).divi(1 - Math.pow(beta2, steps));
    Transforms.sqrt(scratch, false).addi(settings.epsilon());
    update.assign(firstMoment).divi(1 - Math.pow(beta1, steps)).divi(scratch);
    if (settings.weightDecay() > 0) {
      update.addi(scratch.assign(parameters.flat).muli(settings.weightDecay()));
    }
    parameters.flat.subi(update.muli(lr));
    return norm;
  }

  @Override
  public void close() {
    for (INDArray array : new INDArray[] {gradient, firstMoment, secondMoment, scratch, update}) {
      array.close();
    }
  }
}
