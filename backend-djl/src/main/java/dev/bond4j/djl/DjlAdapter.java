package dev.bond4j.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.BondException;
import dev.bond4j.decoder.DecoderLayout.Slot;
import dev.bond4j.decoder.LoraDropout;
import dev.bond4j.decoder.LoraLayout;
import dev.bond4j.decoder.LoraLayout.Target;
import dev.bond4j.decoder.ParameterStore;

/**
 * A LoRA adapter's factors (and copies of {@code modules_to_save}) on DJL: one contiguous float32
 * buffer in {@link LoraLayout}'s order with a view per tensor (autograd leaves when trainable, so
 * the optimizer, EMA and copies are single operations over the adapter, as for {@link
 * DjlParameters}), and each target's constant scale mask {@code M}.
 */
final class DjlAdapter implements ParameterStore {
  final LoraLayout layout;
  final NDManager manager;
  final NDArray flat;
  final NDArray[] views;
  private final NDArray[] masks;
  /** The LoRA dropout of the micro-batch being trained, or null: no dropout. */
  private LoraDropout dropout;

  private DjlAdapter(LoraLayout layout, NDManager manager, NDArray flat, boolean trainable) {
    this.layout = layout;
    this.manager = manager;
    this.flat = flat;
    this.views = DjlParameters.views(flat, layout.size(), layout::offset, layout::shape,
        trainable);
    this.masks = new NDArray[layout.targets().size()];
    for (int t = 0; t < masks.length; t++) {
      masks[t] = manager.create(layout.mask(layout.targets().get(t)),
          new Shape(layout.shape(layout.targets().get(t).b())));
    }
  }

  /** An adapter holding {@code values} (in {@code layout}'s order) on {@code device}. */
  static DjlAdapter of(LoraLayout layout, float[] values, Device device, boolean trainable) {
    if (values.length != layout.parameterCount()) {
      throw new BondException("Expected " + layout.parameterCount() + " adapter parameters, got "
          + values.length);
    }
    NDManager manager = DjlRuntime.engine().newBaseManager(device);
    try {
      return new DjlAdapter(layout, manager, manager.create(values), trainable);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Copies the base tensors into the copies of {@code modules_to_save}, which must still be zero
   * ({@link LoraLayout#initialFactors}), inside the engine.
   */
  void copySaved(DjlParameters base) {
    for (LoraLayout.Saved module : layout.saved()) {
      try (NDArray slice = JniUtils.slice((PtNDArray) flat, 0, layout.offset(module.index()),
          layout.offset(module.index() + 1), 1);
          NDArray tensor = base.views[base.layout.index(module.global())].reshape(-1)) {
        slice.addi(tensor);
      }
    }
  }

  /** A copy with its own buffer. */
  DjlAdapter copy(boolean trainable) {
    NDManager target = DjlRuntime.engine().newBaseManager(flat.getDevice());
    try {
      NDArray clone = flat.duplicate();
      clone.attach(target);
      return new DjlAdapter(layout, target, clone, trainable);
    } catch (RuntimeException e) {
      target.close();
      throw e;
    }
  }

  /** Sets the LoRA dropout of the micro-batch the next forward pass trains on, or null for none. */
  void dropout(LoraDropout dropout) {
    this.dropout = dropout;
  }

  /**
   * Adds the adapter's term {@code x A (B ∘ M)} of a block's linear layer to its output {@code
   * product} in place, when the layer has an adapter; returns {@code product}. While training
   * with dropout ({@link #dropout}) each module's rows of the term see their own dropped input,
   * {@code Σ_i ((x ∘ D_i) A ∘ S_i) (B ∘ M)} with {@code S_i} the module's columns of {@code A}.
   */
  NDArray addTo(NDArray product, NDArray x, int layer, Slot slot) {
    int t = layout.targetIndex(layer, slot);
    if (t < 0) {
      return product;
    }
    Target target = layout.targets().get(t);
    NDArray scaled = views[target.b()].mul(masks[t]);
    if (dropout == null) {
      return product.addi(x.matMul(views[target.a()]).matMul(scaled));
    }
    Shape shape = x.getShape();
    int batch = Math.toIntExact(shape.get(0));
    int length = Math.toIntExact(shape.get(1));
    NDArray down = null;
    for (int i = 0; i < target.modules().size(); i++) {
      NDArray kept = x.mul(manager.create(dropout.mask(t, i, batch, length), shape));
      NDArray part = kept.matMul(views[target.a()]);
      if (target.modules().size() > 1) {
        part = part.mul(manager.create(layout.moduleColumns(target, i)));
      }
      down = down == null ? part : down.add(part);
    }
    return product.addi(down.matMul(scaled));
  }

  /**
   * The factors of a block's linear layer, {@code A} and {@code B ∘ M} (a new array, in the
   * caller's {@code NDScope}), or null when the layer has no adapter: what {@link #addTo} multiplies
   * by, for a sampling call that multiplies by them many times.
   */
  NDArray[] factors(int layer, Slot slot) {
    int t = layout.targetIndex(layer, slot);
    if (t < 0) {
      return null;
    }
    Target target = layout.targets().get(t);
    return new NDArray[] {views[target.a()], views[target.b()].mul(masks[t])};
  }

  @Override
  public float[] values() {
    return flat.toFloatArray();
  }

  @Override
  public void setValues(float[] values) {
    DjlParameters.overwrite(flat, values);
  }

  @Override
  public void close() {
    manager.close();
  }
}
