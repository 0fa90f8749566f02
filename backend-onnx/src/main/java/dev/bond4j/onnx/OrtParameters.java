package dev.bond4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;
import dev.bond4j.decoder.DecoderLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One float tensor per {@link DecoderLayout} tensor, held by ONNX Runtime: a policy's weights, an
 * optimizer moment or an accumulated gradient. Graph outputs are kept as they come and fed back as
 * inputs; replacing a tensor closes the old one, so that nothing native leaks.
 */
final class OrtParameters implements AutoCloseable {
  private final DecoderLayout layout;
  private final Map<String, OnnxTensor> tensors = new LinkedHashMap<>();

  private OrtParameters(DecoderLayout layout) {
    this.layout = layout;
  }

  /** Tensors holding {@code values} in the canonical order; null values mean zeros. */
  static OrtParameters of(DecoderLayout layout, float[] values) {
    if (values != null && values.length != layout.parameterCount()) {
      throw new BondException("Expected " + layout.parameterCount() + " values for "
          + layout.config() + ", got " + values.length);
    }
    OrtParameters out = new OrtParameters(layout);
    try {
      for (int i = 0; i < layout.size(); i++) {
        int from = (int) layout.offset(i);
        int count = (int) (layout.offset(i + 1) - from);
        FloatBuffer buffer = ByteBuffer.allocateDirect(count * 4).order(ByteOrder.nativeOrder())
            .asFloatBuffer();
        if (values != null) {
          buffer.put(values, from, count).rewind();
        }
        out.tensors.put(layout.name(i), OrtObjects.value(OnnxTensor.createTensor(
            OnnxSessions.environment(), buffer, layout.shape(i))));
      }
      return out;
    } catch (OrtException e) {
      out.close();
      throw new NativeEngineException("ONNX Runtime cannot hold the parameters: " + e, e);
    }
  }

  /**
   * Takes the graph outputs {@code outputName.apply(name)} of {@code outputs} as the tensors (the
   * caller no longer closes them).
   */
  static OrtParameters from(DecoderLayout layout, Map<String, OnnxValue> outputs,
      Function<String, String> outputName) {
    OrtParameters out = new OrtParameters(layout);
    for (String name : layout.names()) {
      out.tensors.put(name, output(outputs, outputName.apply(name)));
    }
    return out;
  }

  /** The tensors by layout name, in order (a read-only view). */
  Map<String, OnnxTensor> tensors() {
    return Collections.unmodifiableMap(tensors);
  }

  /** The tensor of layout tensor {@code name}. */
  OnnxTensor get(String name) {
    return tensors.get(name);
  }

  /** All values in the canonical order (a copy). */
  float[] values() {
    float[] out = new float[Math.toIntExact(layout.parameterCount())];
    for (int i = 0; i < layout.size(); i++) {
      FloatBuffer buffer = tensors.get(layout.name(i)).getFloatBuffer();
      buffer.get(out, (int) layout.offset(i), buffer.remaining());
    }
    return out;
  }

  /**
   * Replaces every tensor by the graph output {@code outputName.apply(name)} of {@code outputs}
   * and closes the old ones.
   */
  void replace(Map<String, OnnxValue> outputs, Function<String, String> outputName) {
    for (Map.Entry<String, OnnxTensor> entry : tensors.entrySet()) {
      OnnxTensor next = output(outputs, outputName.apply(entry.getKey()));
      entry.getValue().close();
      entry.setValue(next);
    }
  }

  /** Replaces every tensor by one holding {@code values} and closes the old ones. */
  void set(float[] values) {
    try (OrtParameters fresh = of(layout, values)) {
      for (Map.Entry<String, OnnxTensor> entry : tensors.entrySet()) {
        entry.getValue().close();
        entry.setValue(fresh.tensors.get(entry.getKey()));
      }
      fresh.tensors.clear();
    }
  }

  private static OnnxTensor output(Map<String, OnnxValue> outputs, String name) {
    if (!(outputs.get(name) instanceof OnnxTensor tensor)) {
      throw new BondException("The training graph returned no tensor " + name);
    }
    return tensor;
  }

  @Override
  public void close() {
    tensors.values().forEach(OnnxTensor::close);
    tensors.clear();
  }
}
