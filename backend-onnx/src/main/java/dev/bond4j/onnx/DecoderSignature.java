package dev.bond4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.bond4j.BondException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a decoder model takes and gives, checked against the HuggingFace-optimum convention when it
 * is opened, so that a model that does not follow it fails at once with every problem named.
 * Inputs: {@code input_ids} (int64, rank 2), optional {@code attention_mask} and {@code
 * position_ids} (int64, rank 2), optional {@code past_key_values.{i}.key/value} (float, {@code
 * [batch, heads, past, head_size]} with fixed heads and head size), and any number of float inputs
 * of fixed shape, which are weights; outputs: {@code logits} (float, rank 3) and, with a past,
 * {@code present.{i}.key/value}.
 */
final class DecoderSignature {
  private static final Pattern PAST = Pattern.compile("past_key_values\\.(\\d+)\\.(key|value)");
  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String POSITION_IDS = "position_ids";
  static final String LOGITS = "logits";

  final int layers;
  final int heads;
  final int headSize;
  final boolean hasMask;
  final boolean hasPositions;
  /** The vocabulary size the logits declare, or -1 when that axis is dynamic. */
  final long vocabulary;
  /** Weight inputs by name, with their shapes, in the model's order. */
  final Map<String, long[]> weights;

  private DecoderSignature(int layers, int heads, int headSize, boolean hasMask,
      boolean hasPositions, long vocabulary, Map<String, long[]> weights) {
    this.layers = layers;
    this.heads = heads;
    this.headSize = headSize;
    this.hasMask = hasMask;
    this.hasPositions = hasPositions;
    this.vocabulary = vocabulary;
    this.weights = weights;
  }

  /** Whether the model takes a KV cache. */
  boolean cached() {
    return layers > 0;
  }

  /** Whether sequences of different lengths can share a call (left padding needs both). */
  boolean padsBatches() {
    return hasMask && hasPositions;
  }

  static String pastName(int layer, boolean key) {
    return "past_key_values." + layer + (key ? ".key" : ".value");
  }

  static String presentName(int layer, boolean key) {
    return "present." + layer + (key ? ".key" : ".value");
  }

  /** Reads and checks the session's inputs and outputs. */
  static DecoderSignature of(OrtSession session, Path file) {
    Map<String, NodeInfo> inputs;
    Map<String, NodeInfo> outputs;
    try {
      inputs = session.getInputInfo();
      outputs = session.getOutputInfo();
    } catch (OrtException e) {
      throw new BondException("Cannot read the inputs and outputs of " + file + ": " + e, e);
    }
    List<String> problems = new ArrayList<>();
    Map<String, long[]> weights = new LinkedHashMap<>();
    TreeMap<Integer, long[][]> past = new TreeMap<>();
    boolean hasIds = false;
    boolean hasMask = false;
    boolean hasPositions = false;
    for (NodeInfo node : inputs.values()) {
      String name = node.getName();
      TensorInfo tensor = node.getInfo() instanceof TensorInfo t ? t : null;
      Matcher m = PAST.matcher(name);
      if (name.equals(INPUT_IDS) || name.equals(ATTENTION_MASK) || name.equals(POSITION_IDS)) {
        hasIds |= name.equals(INPUT_IDS);
        hasMask |= name.equals(ATTENTION_MASK);
        hasPositions |= name.equals(POSITION_IDS);
        check(tensor, name, OnnxJavaType.INT64, 2, problems);
      } else if (m.matches()) {
        check(tensor, name, OnnxJavaType.FLOAT, 4, problems);
        if (tensor != null && tensor.getShape().length == 4) {
          past.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new long[2][])
              [m.group(2).equals("key") ? 0 : 1] = tensor.getShape();
        }
      } else if (tensor != null && tensor.type == OnnxJavaType.FLOAT
          && Arrays.stream(tensor.getShape()).allMatch(d -> d >= 0)) {
        weights.put(name, tensor.getShape());
      } else {
        problems.add("input " + name + " is neither input_ids, attention_mask, position_ids,"
            + " past_key_values.{i}.key/value nor a float weight of fixed shape (it is "
            + node.getInfo() + ")");
      }
    }
    if (!hasIds) {
      problems.add("input input_ids is missing");
    }
    int layers = past.size();
    int heads = -1;
    int headSize = -1;
    for (int layer = 0; layer < layers; layer++) {
      for (boolean key : new boolean[] {true, false}) {
        String present = presentName(layer, key);
        if (!outputs.containsKey(present)) {
          problems.add("output " + present + " is missing (the model takes a past)");
        }
      }
      long[][] kv = past.get(layer);
      if (kv == null || kv[0] == null || kv[1] == null) {
        problems.add("past_key_values." + layer + ".key and .value are expected (layers 0 to "
            + (layers - 1) + " have a past)");
        continue;
      }
      for (long[] shape : kv) {
        if (shape[1] <= 0 || shape[3] <= 0) {
          problems.add("past_key_values." + layer + " has shape " + Arrays.toString(shape)
              + ", expected [batch, heads, past, head_size] with fixed heads and head_size");
        } else if (heads < 0) {
          heads = (int) shape[1];
          headSize = (int) shape[3];
        } else if (shape[1] != heads || shape[3] != headSize) {
          problems.add("past_key_values." + layer + " has shape " + Arrays.toString(shape)
              + ", expected heads " + heads + " and head_size " + headSize + " like layer 0");
        }
      }
    }
    if (layers > 0 && !hasMask) {
      problems.add("input attention_mask is missing (a model with a past needs it)");
    }
    long vocabulary = -1;
    NodeInfo logits = outputs.get(LOGITS);
    if (logits == null) {
      problems.add("output logits is missing (outputs are " + outputs.keySet() + ")");
    } else {
      TensorInfo tensor = logits.getInfo() instanceof TensorInfo t ? t : null;
      check(tensor, LOGITS, OnnxJavaType.FLOAT, 3, problems);
      if (tensor != null && tensor.getShape().length == 3) {
        vocabulary = tensor.getShape()[2];
      }
    }
    if (!problems.isEmpty()) {
      throw new BondException("The ONNX model " + file + " does not follow the HuggingFace-optimum"
          + " decoder convention: " + String.join("; ", problems));
    }
    return new DecoderSignature(layers, heads, headSize, hasMask, hasPositions, vocabulary,
        weights);
  }

  private static void check(TensorInfo tensor, String name, OnnxJavaType type, int rank,
      List<String> problems) {
    if (tensor == null || tensor.type != type || tensor.getShape().length != rank) {
      problems.add(name + " is " + (tensor == null ? "not a tensor" : tensor.type + " of rank "
          + tensor.getShape().length) + ", expected " + type + " of rank " + rank);
    }
  }
}
