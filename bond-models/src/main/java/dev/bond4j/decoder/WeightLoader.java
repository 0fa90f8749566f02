package dev.bond4j.decoder;

import dev.bond4j.BondException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads HuggingFace tensors into a {@link DecoderLayout}'s flat order, streaming: every name,
 * shape and dtype is checked first, then each tensor is converted to float32 in pieces of at most
 * {@value #CHUNK} elements (a transposed weight matrix whole) and handed to a {@link
 * ParameterSink}. Names may carry GPT-2's {@code transformer.} prefix; a tied head's {@code
 * lm_head.weight}, GPT-2's attention-mask buffers and old Llama checkpoints' {@code
 * rotary_emb.inv_freq} are ignored. A missing, unexpected or misshapen tensor, or a dtype that
 * contradicts the config's {@code torch_dtype}, is refused in one message that lists them.
 */
public final class WeightLoader {
  /** Elements converted at a time. */
  static final int CHUNK = 1 << 20;
  private static final String[] IGNORED_SUFFIXES = {
    ".attn.bias", ".attn.masked_bias", "rotary_emb.inv_freq"
  };
  private static final Map<String, String> DTYPE_OF = Map.of(
      "float32", "F32", "bfloat16", "BF16", "float16", "F16");

  private final DecoderLayout layout;
  /** Reused for assembled tensors and their parts, so that loading makes little garbage. */
  private float[] assembled = new float[0];
  private float[] partBuffer = new float[0];

  /** A loader into {@code layout}; not thread-safe. */
  public WeightLoader(DecoderLayout layout) {
    this.layout = layout;
  }

  /**
   * Checks every tensor of {@code source} against the layout, then loads them.
   *
   * @throws BondException naming every tensor that is missing, unexpected, misshapen or of a dtype
   *     the config contradicts
   */
  public void load(TensorSource source, ParameterSink sink) {
    Map<String, String> fileName = check(source);
    float[] chunk = new float[(int) Math.min(CHUNK, layout.parameterCount())];
    for (int i = 0; i < layout.size(); i++) {
      DecoderLayout.Tensor tensor = layout.tensor(i);
      long offset = layout.offset(i);
      if (tensor.parts().size() == 1 && !tensor.parts().get(0).transposed()) {
        String name = fileName.get(tensor.parts().get(0).name());
        long size = layout.offset(i + 1) - offset;
        for (long from = 0; from < size; from += chunk.length) {
          int count = (int) Math.min(chunk.length, size - from);
          source.read(name, from, chunk, count);
          sink.write(offset + from, chunk, count);
        }
      } else {
        int size = (int) (layout.offset(i + 1) - offset);
        if (assembled.length < size) {
          assembled = new float[size];
        }
        assemble(tensor, source, fileName);
        sink.write(offset, assembled, size);
      }
    }
  }

  /**
   * An internal tensor made of several parts or a transposed one, in the internal layout, into
   * the start of {@link #assembled}.
   */
  private void assemble(DecoderLayout.Tensor tensor, TensorSource source,
      Map<String, String> fileName) {
    long[] shape = tensor.shape();
    int rows = shape.length == 1 ? 1 : (int) shape[0];
    int width = (int) shape[shape.length - 1];
    float[] out = assembled;
    int column = 0;
    for (DecoderLayout.Part part : tensor.parts()) {
      if (partBuffer.length < part.size()) {
        partBuffer = new float[(int) part.size()];
      }
      float[] data = partBuffer;
      source.read(fileName.get(part.name()), 0, data, (int) part.size());
      int columns = (int) part.columns();
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < columns; c++) {
          out[r * width + column + c] = part.transposed() ? data[c * rows + r]
              : data[r * columns + c];
        }
      }
      column += columns;
    }
  }

  /** Checks names, shapes and dtypes; returns each expected name's name in the source. */
  private Map<String, String> check(TensorSource source) {
    DecoderConfig config = layout.config();
    Map<String, String> byCanonical = new HashMap<>();
    Set<String> unexpected = new HashSet<>();
    for (String name : source.names()) {
      String canonical = config.isGpt2() && name.startsWith("transformer.")
          ? name.substring("transformer.".length()) : name;
      boolean tiedHead = canonical.equals("lm_head.weight") && config.tiedEmbeddings();
      if (tiedHead || Arrays.stream(IGNORED_SUFFIXES).anyMatch(canonical::endsWith)) {
        continue;
      }
      byCanonical.put(canonical, name);
      unexpected.add(canonical);
    }
    List<String> problems = new ArrayList<>();
    String wantedDtype = config.dtype() == null ? null : DTYPE_OF.get(config.dtype());
    for (int i = 0; i < layout.size(); i++) {
      for (DecoderLayout.Part part : layout.tensor(i).parts()) {
        String name = byCanonical.get(part.name());
        unexpected.remove(part.name());
        if (name == null) {
          problems.add(part.name() + " is missing");
          continue;
        }
        long[] shape = source.shape(name);
        String dtype = source.dtype(name);
        if (!Arrays.equals(shape, part.shape())) {
          problems.add(name + " has shape " + Arrays.toString(shape) + ", expected "
              + Arrays.toString(part.shape()));
        }
        if (!Set.of("F32", "BF16", "F16", "F64").contains(dtype)) {
          problems.add(name + " has dtype " + dtype + ", expected F32, BF16 or F16");
        } else if (wantedDtype != null && !dtype.equals(wantedDtype)) {
          problems.add(name + " has dtype " + dtype + " but config.json's torch_dtype is "
              + config.dtype() + " (" + wantedDtype + ")");
        }
      }
    }
    if (!unexpected.isEmpty()) {
      problems.add("unexpected tensors " + new TreeSet<>(unexpected));
    }
    if (!problems.isEmpty()) {
      int shown = Math.min(problems.size(), 8);
      String more = problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : "";
      throw new BondException("The weights in " + source.description() + " do not fit the "
          + config.modelType() + " config (" + config.layers() + " layers, hidden "
          + config.embeddingSize() + ", vocab " + config.vocabularySize() + "): "
          + String.join("; ", problems.subList(0, shown)) + more);
    }
    return byCanonical;
  }
}
