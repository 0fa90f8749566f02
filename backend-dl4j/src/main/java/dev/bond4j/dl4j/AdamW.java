package dev.bond4j.dl4j;

import dev.bond4j.NumericalException;
import dev.bond4j.value.OptimizerSettings;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * AdamW over every parameter tensor, with the semantics of the exact testbed: global
 * gradient-norm clipping, bias-corrected moments, linear warm-up of the learning rate and decoupled
 * weight decay {@code θ ← θ − lr · (m̂ / (sqrt(v̂) + ε) + λ θ)}. Moments, the accumulated gradient
 * and two scratch arrays per tensor are allocated once, and a step works on them in place, so it
 * allocates no native memory.
 */
final class AdamW implements AutoCloseable {
  private final OptimizerSettings settings;
  private final Dl4jParameters parameters;
  final INDArray[] gradients;
  final INDArray[] firstMoment;
  final INDArray[] secondMoment;
  private final INDArray[] scratch;
  private final INDArray[] update;
  long steps;

  AdamW(OptimizerSettings settings, Dl4jParameters parameters) {
    this.settings = settings;
    this.parameters = parameters;
    this.gradients = parameters.zerosLike();
    this.firstMoment = parameters.zerosLike();
    this.secondMoment = parameters.zerosLike();
    this.scratch = parameters.zerosLike();
    this.update = parameters.zerosLike();
  }

  OptimizerSettings settings() {
    return settings;
  }

  /** Zeroes the accumulated gradients. */
  void zeroGradients() {
    for (INDArray gradient : gradients) {
      gradient.assign(0);
    }
  }

  /**
   * Applies one step with the accumulated gradients.
   *
   * @return the global gradient norm before clipping
   * @throws NumericalException when the gradient is not finite; the parameters are then untouched
   */
  double step() {
    double squares = 0;
    for (INDArray gradient : gradients) {
      double norm = gradient.norm2Number().doubleValue();
      squares += norm * norm;
    }
    double norm = Math.sqrt(squares);
    if (!Double.isFinite(norm)) {
      throw new NumericalException("The gradient norm is " + norm + "; the step was skipped");
    }
    double clip = settings.maxGradNorm() > 0 && norm > settings.maxGradNorm()
        ? settings.maxGradNorm() / norm : 1.0;
    steps++;
    double lr = settings.learningRateAt(steps);
    double beta1 = settings.beta1();
    double beta2 = settings.beta2();
    double correction1 = 1 - Math.pow(beta1, steps);
    double correction2 = 1 - Math.pow(beta2, steps);
    for (int i = 0; i < gradients.length; i++) {
      INDArray g = clip == 1.0 ? gradients[i] : gradients[i].muli(clip);
      INDArray s = scratch[i];
      firstMoment[i].muli(beta1).addi(s.assign(g).muli(1 - beta1));
      secondMoment[i].muli(beta2).addi(s.assign(g).muli(g).muli(1 - beta2));
      s.assign(secondMoment[i]).divi(correction2);
      Transforms.sqrt(s, false).addi(settings.epsilon());
      INDArray u = update[i].assign(firstMoment[i]).divi(correction1).divi(s);
      if (settings.weightDecay() > 0) {
        u.addi(s.assign(parameters.tensors[i]).muli(settings.weightDecay()));
      }
      parameters.tensors[i].subi(u.muli(lr));
    }
    return norm;
  }

  @Override
  public void close() {
    for (INDArray[] arrays : new INDArray[][] {gradients, firstMoment, secondMoment, scratch,
        update}) {
      Dl4jParameters.close(arrays);
    }
  }
}
