package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.decoder.AdamStep;
import dev.bond4j.decoder.AdamWState;
import dev.bond4j.value.OptimizerSettings;

/**
 * AdamW over the flat parameter buffer, with the semantics of the exact testbed: global
 * gradient-norm clipping, bias-corrected moments, linear warm-up of the learning rate and decoupled
 * weight decay {@code θ ← θ − lr · (m̂ / (sqrt(v̂) + ε) + λ θ)}. Its moments are flat buffers too,
 * viewed per parameter tensor like the parameters, so a step is PyTorch's fused AdamW kernel
 * over the lists of tensors: one pass per element, the gradients read where autograd left them,
 * no flat copy of the gradient and no temporaries.
 */
final class AdamW extends AdamWState {
  private final NDArray[] views;
  final NDArray firstMoment;
  final NDArray secondMoment;
  private final NDArray[] firstViews;
  private final NDArray[] secondViews;

  /**
   * AdamW over {@code flat}, whose trainable {@code views} (consecutive, in order, covering it)
   * collect the gradients.
   */
  AdamW(OptimizerSettings settings, NDManager manager, NDArray flat, NDArray[] views) {
    super(settings);
    this.views = views;
    this.firstMoment = manager.zeros(flat.getShape());
    this.secondMoment = manager.zeros(flat.getShape());
    long[] offsets = new long[views.length + 1];
    for (int i = 0; i < views.length; i++) {
      offsets[i + 1] = offsets[i] + views[i].size();
    }
    if (offsets[views.length] != flat.size()) {
      throw new IllegalArgumentException("The views cover " + offsets[views.length]
          + " of the buffer's " + flat.size() + " values");
    }
    this.firstViews = DjlParameters.views(firstMoment, views.length, i -> offsets[i],
        i -> views[i].getShape().getShape(), false);
    this.secondViews = DjlParameters.views(secondMoment, views.length, i -> offsets[i],
        i -> views[i].getShape().getShape(), false);
  }

  @Override
  public float[] firstMoment() {
    return firstMoment.toFloatArray();
  }

  @Override
  public float[] secondMoment() {
    return secondMoment.toFloatArray();
  }

  @Override
  protected void restoreMoments(float[] first, float[] second) {
    int size = Math.toIntExact(firstMoment.size());
    DjlParameters.overwrite(firstMoment, first == null ? new float[size] : first);
    DjlParameters.overwrite(secondMoment, second == null ? new float[size] : second);
  }

  /** Zeroes the accumulated gradients of every parameter. */
  @Override
  public void zeroGradients() {
    for (NDArray view : views) {
      JniUtils.zeroGrad((PtNDArray) view);
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
    JniUtils.setGradMode(false);
    try (NDScope scope = new NDScope()) {
      NDArray[] gradients = new NDArray[views.length];
      for (int i = 0; i < views.length; i++) {
        gradients[i] = views[i].getGradient();
      }
      TorchOps ops = TorchOps.get();
      AdamStep step = next(ops.gradientNorm(gradients).getFloat());
      taken(step);
      OptimizerSettings settings = settings();
      ops.adamwStep(views, gradients, firstViews, secondViews, step.step(), step.clip(),
          step.learningRate(), settings.beta1(), settings.beta2(), settings.weightDecay(),
          settings.epsilon());
      return step.norm();
    }
  }
}
