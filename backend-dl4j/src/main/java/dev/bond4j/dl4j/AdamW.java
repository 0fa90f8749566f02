package dev.bond4j.dl4j;

import dev.bond4j.NumericalException;
import dev.bond4j.decoder.AdamStep;
import dev.bond4j.decoder.AdamWState;
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
final class AdamW extends AdamWState implements AutoCloseable {
  private final INDArray[] parameters;
  final INDArray[] gradients;
  final INDArray[] firstMoment;
  final INDArray[] secondMoment;
  private final INDArray[] scratch;
  private final INDArray[] update;

  /** AdamW over the arrays {@code parameters} (the model's trainable variables), in order. */
  AdamW(OptimizerSettings settings, INDArray[] parameters) {
    super(settings);
    this.parameters = parameters;
    this.gradients = zerosLike(parameters);
    this.firstMoment = zerosLike(parameters);
    this.secondMoment = zerosLike(parameters);
    this.scratch = zerosLike(parameters);
    this.update = zerosLike(parameters);
  }

  private static INDArray[] zerosLike(INDArray[] arrays) {
    return Dl4jParameters.zeros(arrays.length, i -> arrays[i].shape());
  }

  @Override
  public float[] firstMoment() {
    return Dl4jParameters.valuesOf(firstMoment);
  }

  @Override
  public float[] secondMoment() {
    return Dl4jParameters.valuesOf(secondMoment);
  }

  @Override
  protected void restoreMoments(float[] first, float[] second) {
    int size = 0;
    for (INDArray parameter : parameters) {
      size += Math.toIntExact(parameter.length());
    }
    Dl4jParameters.overwrite(firstMoment, first == null ? new float[size] : first);
    Dl4jParameters.overwrite(secondMoment, second == null ? new float[size] : second);
  }

  /** Zeroes the accumulated gradients. */
  @Override
  public void zeroGradients() {
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
  @Override
  public double step() {
    double squares = 0;
    for (INDArray gradient : gradients) {
      double norm = gradient.norm2Number().doubleValue();
      squares += norm * norm;
    }
    AdamStep step = next(Math.sqrt(squares));
    taken(step);
    double clip = step.clip();
    double lr = step.learningRate();
    double beta1 = settings().beta1();
    double beta2 = settings().beta2();
    double correction1 = step.correction1();
    double correction2 = step.correction2();
    for (int i = 0; i < gradients.length; i++) {
      INDArray g = clip == 1.0 ? gradients[i] : gradients[i].muli(clip);
      INDArray s = scratch[i];
      firstMoment[i].muli(beta1).addi(s.assign(g).muli(1 - beta1));
      secondMoment[i].muli(beta2).addi(s.assign(g).muli(g).muli(1 - beta2));
      s.assign(secondMoment[i]).divi(correction2);
      Transforms.sqrt(s, false).addi(settings().epsilon());
      INDArray u = update[i].assign(firstMoment[i]).divi(correction1).divi(s);
      if (settings().weightDecay() > 0) {
        u.addi(s.assign(parameters[i]).muli(settings().weightDecay()));
      }
      parameters[i].subi(u.muli(lr));
    }
    return step.norm();
  }

  @Override
  public void close() {
    for (INDArray[] arrays : new INDArray[][] {gradients, firstMoment, secondMoment, scratch,
        update}) {
      Dl4jParameters.close(arrays);
    }
  }
}
