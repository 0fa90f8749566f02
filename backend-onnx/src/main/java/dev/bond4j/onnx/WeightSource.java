package dev.bond4j.onnx;

import dev.bond4j.BondException;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where a weight-following {@link OnnxPolicy} reads its parameters before each call: typically the
 * live weights of a policy trained by another backend, or an EMA anchor. The policy owns one
 * direct buffer per weight input, which ONNX Runtime reads without copying.
 */
@FunctionalInterface
public interface WeightSource {
  /**
   * Writes the current weights into {@code targets}: for each weight input, by name, a buffer at
   * position 0 whose remaining space is exactly the tensor's element count, row-major. Inputs are
   * named and shaped as in {@link DecoderLayout} (bond4j's export): HuggingFace's names and
   * layout for GPT-2; fused {@code [in, out]} projections for the Llama family. Every buffer must
   * be filled.
   */
  void copyTo(Map<String, FloatBuffer> targets);

  /**
   * Weights handed over as one flat array in {@link DecoderLayout}'s canonical order, for example a
   * DJL policy's {@code parameters()}; the supplier is called once per refresh.
   */
  static WeightSource canonical(DecoderConfig config, Supplier<float[]> parameters) {
    DecoderLayout layout = new DecoderLayout(config);
    return targets -> {
      float[] values = parameters.get();
      config.requireParameterCount(values.length);
      for (int i = 0; i < layout.size(); i++) {
        FloatBuffer target = targets.get(layout.name(i));
        int count = (int) (layout.offset(i + 1) - layout.offset(i));
        if (target != null && target.remaining() != count) {
          throw new BondException("The model's input " + layout.name(i) + " holds "
              + target.remaining() + " values, the config " + count);
        }
        if (target != null) {
          target.put(values, (int) layout.offset(i), count);
        }
      }
    };
  }
}
