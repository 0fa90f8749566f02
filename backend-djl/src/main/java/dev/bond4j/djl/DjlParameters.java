package dev.bond4j.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.BondException;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.decoder.DecoderLayout.Global;
import dev.bond4j.decoder.DecoderLayout.Slot;
import dev.bond4j.decoder.ParameterStore;
import dev.bond4j.decoder.SafeTensor;
import dev.bond4j.decoder.WeightFiles;
import dev.bond4j.decoder.WeightLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * The parameters of a decoder in one contiguous float32 buffer, with one view per tensor of the
 * {@link DecoderLayout}. Keeping them contiguous makes the optimizer step, gradient norm, EMA and copies single
 * operations over the whole model; each view is a separate autograd leaf, so gradients stay per
 * tensor and cost no extra copies in the backward pass. The order is {@link DecoderLayout}'s. For
 * rotary models it also holds the cosine and sine tables {@code [positions, headSize / 2]}.
 */
final class DjlParameters implements ParameterStore {
  final DecoderConfig config;
  final NDManager manager;
  final NDArray flat;
  final NDArray[] views;
  final DecoderLayout layout;
  /** Rotary cosines and sines {@code [positions, headSize / 2]}, or null for GPT-2. */
  final NDArray ropeCos;
  final NDArray ropeSin;

  private DjlParameters(DecoderConfig config, NDManager manager, NDArray flat, boolean trainable) {
    this.config = config;
    this.manager = manager;
    this.flat = flat;
    this.layout = new DecoderLayout(config);
    this.views = views(flat, layout.size(), layout::offset, layout::shape, trainable);
    if (config.rope() == null) {
      ropeCos = null;
      ropeSin = null;
    } else {
      float[][] tables = config.rope().tables(config.maxPositions(), config.headSize());
      Shape shape = new Shape(config.maxPositions(), config.headSize() / 2);
      ropeCos = manager.create(tables[0], shape);
      ropeSin = manager.create(tables[1], shape);
    }
  }

  /**
   * One view per tensor of a flat buffer, shaped {@code shape(i)} at {@code offset(i)}; when
   * trainable, each view is its own autograd leaf sharing the buffer's storage.
   */
  static NDArray[] views(NDArray flat, int count, IntToLongFunction offset,
      IntFunction<long[]> shape, boolean trainable) {
    NDArray[] views = new NDArray[count];
    for (int i = 0; i < count; i++) {
      NDArray view = flat.get(new NDIndex().addSliceDim(offset.applyAsLong(i),
          offset.applyAsLong(i + 1))).reshape(new Shape(shape.apply(i)));
      if (trainable) {
        NDArray leaf = view.stopGradient();
        view.close();
        leaf.setRequiresGradient(true);
        view = leaf;
      }
      views[i] = view;
    }
    return views;
  }

  /**
   * Parameters read from a model folder's weights straight into the engine's buffer, a piece at a time, so
   * that loading holds no second full copy of the model.
   */
  static DjlParameters load(Path directory, Device device, boolean trainable) {
    DecoderConfig config = DecoderConfig.read(directory);
    DecoderLayout layout = new DecoderLayout(config);
    NDManager manager = DjlRuntime.engine().newBaseManager(device);
    try (WeightFiles source = WeightFiles.open(directory)) {
      NDArray flat = manager.zeros(new Shape(layout.parameterCount()));
      new WeightLoader(layout).load(source, (offset, values, count) -> {
        try (NDArray piece = manager.create(count == values.length ? values
            : Arrays.copyOf(values, count));
            NDArray slice = JniUtils.slice((PtNDArray) flat, 0, offset, offset + count, 1)) {
          // The buffer starts at zero, so adding into the slice's view is a copy.
          slice.addi(piece);
        }
      });
      return new DjlParameters(config, manager, flat, trainable);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Parameters holding {@code values} (laid out in the canonical order) on {@code device}. */
  static DjlParameters of(DecoderConfig config, float[] values, Device device, boolean trainable) {
    config.requireParameterCount(values.length);
    NDManager manager = DjlRuntime.engine().newBaseManager(device);
    try {
      NDArray flat = manager.create(values);
      return new DjlParameters(config, manager, flat, trainable);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** A copy of these parameters with their own buffer. */
  DjlParameters copy(boolean trainable) {
    NDManager target = DjlRuntime.engine().newBaseManager(flat.getDevice());
    try {
      NDArray clone = flat.duplicate();
      clone.attach(target);
      return new DjlParameters(config, target, clone, trainable);
    } catch (RuntimeException e) {
      target.close();
      throw e;
    }
  }

  /** The parameters as named float32 tensors, in the canonical order. */
  Map<String, SafeTensor> toTensors() {
    return layout.tensorsOf(flat.toFloatArray());
  }

  /** The token embedding {@code [V, d]}. */
  NDArray embedding() {
    return views[layout.index(Global.EMBED)];
  }

  /** GPT-2's position embedding {@code [P, d]}, or null for rotary models. */
  NDArray positionEmbedding() {
    return optional(layout.index(Global.POSITIONS));
  }

  /** The head {@code [V, d]}: the token embedding when tied. */
  NDArray head() {
    int head = layout.index(Global.HEAD);
    return head < 0 ? embedding() : views[head];
  }

  /** A block tensor, or null when the family has none (a bias). */
  NDArray layer(int layer, Slot kind) {
    return optional(layout.index(layer, kind));
  }

  NDArray finalNormWeight() {
    return views[layout.index(Global.FINAL_NORM_W)];
  }

  /** GPT-2's final LayerNorm bias, or null. */
  NDArray finalNormBias() {
    return optional(layout.index(Global.FINAL_NORM_B));
  }

  private NDArray optional(int index) {
    return index < 0 ? null : views[index];
  }

  /** A copy of all parameter values, in the canonical order. */
  @Override
  public float[] values() {
    return flat.toFloatArray();
  }

  /** Overwrites all parameter values in place, so that the views see them. */
  @Override
  public void setValues(float[] values) {
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
