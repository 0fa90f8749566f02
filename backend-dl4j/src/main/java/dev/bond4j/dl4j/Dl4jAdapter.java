package dev.bond4j.dl4j;

import dev.bond4j.BondException;
import dev.bond4j.decoder.DecoderLayout.Slot;
import dev.bond4j.decoder.LoraLayout;
import dev.bond4j.decoder.LoraLayout.Target;
import dev.bond4j.decoder.ParameterStore;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A LoRA adapter's factors on ND4J: one float32 array per {@code A} and {@code B} (and per copy
 * of {@code modules_to_save}) of {@link LoraLayout} (the graph's trainable variables are these
 * very arrays, as for {@link Dl4jParameters}), and each target's constant scale mask {@code M}.
 */
final class Dl4jAdapter implements ParameterStore {
  final LoraLayout layout;
  final INDArray[] tensors;
  final INDArray[] masks;

  private Dl4jAdapter(LoraLayout layout, INDArray[] tensors) {
    this.layout = layout;
    this.tensors = tensors;
    this.masks = new INDArray[layout.targets().size()];
    for (int t = 0; t < masks.length; t++) {
      Target target = layout.targets().get(t);
      masks[t] = Nd4j.create(layout.mask(target), layout.shape(target.b()), DataType.FLOAT);
    }
  }

  /** An adapter holding {@code values}, in {@code layout}'s order. */
  static Dl4jAdapter of(LoraLayout layout, float[] values) {
    if (values.length != layout.parameterCount()) {
      throw new BondException("Expected " + layout.parameterCount() + " adapter parameters, got "
          + values.length);
    }
    Dl4jAdapter adapter = new Dl4jAdapter(layout,
        Dl4jParameters.zeros(layout.size(), layout::shape));
    adapter.setValues(values);
    return adapter;
  }

  /** A copy with its own arrays. */
  Dl4jAdapter copy() {
    INDArray[] copies = new INDArray[tensors.length];
    for (int i = 0; i < copies.length; i++) {
      copies[i] = tensors[i].dup();
    }
    return new Dl4jAdapter(layout, copies);
  }

  /**
   * The adapter's term {@code x A (B ∘ M)} of a block's linear layer added to its output {@code
   * product} in place, when the layer has an adapter; returns {@code product}.
   */
  INDArray addTo(INDArray product, INDArray x, int layer, Slot slot) {
    int t = layout.targetIndex(layer, slot);
    if (t < 0) {
      return product;
    }
    Target target = layout.targets().get(t);
    return product.addi(x.mmul(tensors[target.a()]).mmul(tensors[target.b()].mul(masks[t])));
  }

  @Override
  public float[] values() {
    return Dl4jParameters.valuesOf(tensors);
  }

  @Override
  public void setValues(float[] values) {
    Dl4jParameters.overwrite(tensors, values);
  }

  @Override
  public void close() {
    Dl4jParameters.close(tensors);
    Dl4jParameters.close(masks);
  }
}
