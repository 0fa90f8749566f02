package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
 * so a step is one fused engine update over the whole model.
 */
final class AdamW extends AdamWState {
  private final NDArray flat;
  private final NDArray[] views;
  final NDArray firstMoment;
  final NDArray secondMoment;

  /** AdamW over {@code flat}, whose trainable {@code views} collect the gradients. */
  AdamW(OptimizerSettings settings, NDManager manager, NDArray flat, NDArray[] views) {
    super(settings);
    this.flat = flat;
    this.views = views;
    this.firstMoment = manager.zeros(flat.getShape());
    this.secondMoment = manager.zeros(flat.getShape());
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
    try (NDScope scope = new NDScope()) {
      NDList parts = new NDList(views.length);
      for (NDArray view : views) {
        parts.add(view.getGradient().reshape(-1));
      }
      NDArray gradient = NDArrays.concat(parts);
      AdamStep step = next(gradient.norm().getFloat());
      taken(step);
      double lr = step.learningRate();
      double clip = step.clip();
      double correction1 = step.correction1();
      double correction2 = step.correction2();
      // The engine's fused update computes θ ← θ − λ·lr·θ; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2)
      // g²; θ ← θ − c · m / (sqrt(v) + ε'). With c = lr·sqrt(c2)/c1 and ε' = ε·sqrt(c2) this is
      // exactly θ − lr·(m̂ / (sqrt(v̂) + ε) + λθ) with m̂ = m/c1, v̂ = v/c2; the clipping factor
      // rescales g. Its elementwise clamp is disabled (-1).
      JniUtils.adamUpdate((PtNDArray) flat, (PtNDArray) gradient,
          (PtNDArray) firstMoment, (PtNDArray) secondMoment, (float) lr,
          (float) (lr * Math.sqrt(correction2) / correction1), (float) settings().weightDecay(),
          (float) clip, -1f, (float) settings().beta1(), (float) settings().beta2(),
          (float) (settings().epsilon() * Math.sqrt(correction2)), settings().weightDecay() > 0);
      return step.norm();
    }
  }
}
