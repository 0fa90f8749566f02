package dev.bond4j.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.bond4j.BondException;
import dev.bond4j.models.Gpt2Config;
import dev.bond4j.models.Gpt2Layout;
import dev.bond4j.models.SafeTensor;
import java.util.Map;

/**
 * The parameters of a GPT-2 model in one contiguous float32 buffer, with one view per HuggingFace
 * tensor. Keeping them contiguous makes the optimizer step, gradient norm, EMA and copies single
 * operations over the whole model; each view is a separate autograd leaf, so gradients stay per
 * tensor and cost no extra copies in the backward pass. The order is {@link Gpt2Layout}'s.
 */
final class Gpt2Parameters implements AutoCloseable {
  final Gpt2Config config;
  final NDManager manager;
  final NDArray flat;
  final NDArray[] views;
  final Gpt2Layout layout;

  private Gpt2Parameters(Gpt2Config config, NDManager manager, NDArray flat, boolean trainable) {
    this.config = config;
    this.manager = manager;
    this.flat = flat;
    this.layout = new Gpt2Layout(config);
    this.views = new NDArray[layout.size()];
    for (int i = 0; i < views.length; i++) {
      NDArray view = flat.get(new NDIndex().addSliceDim(layout.offset(i), layout.offset(i + 1)))
          .reshape(new Shape(layout.shape(i)));
      if (trainable) {
        NDArray leaf = view.stopGradient();
        view.close();
        leaf.setRequiresGradient(true);
        view = leaf;
      }
      views[i] = view;
    }
  }

  /** Parameters holding {@code values} (laid out in the canonical order) on {@code device}. */
  static Gpt2Parameters of(Gpt2Config config, float[] values, Device device, boolean trainable) {
    if (values.length != config.parameterCount()) {
      throw new BondException("Expected " + config.parameterCount() + " parameters for " + config
          + ", got " + values.length);
    }
    NDManager manager = DjlRuntime.engine().newBaseManager(device);
    try {
      NDArray flat = manager.create(values);
      return new Gpt2Parameters(config, manager, flat, trainable);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** A copy of these parameters with their own buffer. */
  Gpt2Parameters copy(boolean trainable) {
    NDManager target = DjlRuntime.engine().newBaseManager(flat.getDevice());
    try {
      NDArray clone = flat.duplicate();
      clone.attach(target);
      return new Gpt2Parameters(config, target, clone, trainable);
    } catch (RuntimeException e) {
      target.close();
      throw e;
    }
  }

  /** The parameters as named float32 tensors, in the canonical order. */
  Map<String, SafeTensor> toTensors() {
    return layout.tensorsOf(flat.toFloatArray());
  }

  NDArray wte() {
    return views[0];
  }

  NDArray wpe() {
    return views[1];
  }

  NDArray layer(int layer, int kind) {
    return views[Gpt2Layout.index(layer, kind)];
  }

  NDArray lnFinalWeight() {
    return views[views.length - 2];
  }

  NDArray lnFinalBias() {
    return views[views.length - 1];
  }

  /** A copy of all parameter values, in the canonical order. */
  float[] values() {
    return flat.toFloatArray();
  }

  /** Overwrites all parameter values in place, so that the views see them. */
  void setValues(float[] values) {
    overwrite(flat, values);
  }

  /**
   * Copies {@code values} into {@code target}'s own storage. ({@code NDArray.set(float[])} may
   * give the array new storage, which would detach every view of it.)
   */
  static void overwrite(NDArray target, float[] values) {
    if (values.length != target.size()) {
      throw new BondException("Expected " + target.size() + " values, got " + values.length);
    }
    try (NDArray source = target.getManager().create(values, target.getShape())) {
      target.set(new NDIndex(":"), source);
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
