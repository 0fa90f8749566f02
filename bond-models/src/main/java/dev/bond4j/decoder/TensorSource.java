package dev.bond4j.decoder;

import dev.bond4j.BondException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Named floating-point tensors to load a model from, read on demand and in parts: a folder of
 * safetensors files ({@link WeightFiles}) or tensors already in memory ({@link #of}).
 */
public interface TensorSource extends AutoCloseable {
  /** Where the tensors come from, for messages. */
  String description();

  /** The tensor names. */
  Set<String> names();

  /** The safetensors dtype of tensor {@code name}. */
  String dtype(String name);

  /** The shape of tensor {@code name}. */
  long[] shape(String name);

  /**
   * Converts {@code count} elements of tensor {@code name}, from element {@code from} on, to
   * float32 into {@code into[0, count)}.
   */
  void read(String name, long from, float[] into, int count);

  /** Releases open files; the default holds none. */
  @Override
  default void close() {}

  /** Tensors held in memory. */
  static TensorSource of(Map<String, SafeTensor> tensors, String description) {
    Map<String, SafeTensor> copy = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    return new TensorSource() {
      @Override
      public String description() {
        return description;
      }

      @Override
      public Set<String> names() {
        return copy.keySet();
      }

      @Override
      public String dtype(String name) {
        return tensor(name).dtype();
      }

      @Override
      public long[] shape(String name) {
        return tensor(name).shape().clone();
      }

      @Override
      public void read(String name, long from, float[] into, int count) {
        tensor(name).toFloats(from, into, count);
      }

      private SafeTensor tensor(String name) {
        SafeTensor tensor = copy.get(name);
        if (tensor == null) {
          throw new BondException(description + " has no tensor " + name);
        }
        return tensor;
      }
    };
  }
}
