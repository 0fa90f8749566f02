package dev.bond4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;
import dev.bond4j.Problems;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.TokenSequence;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A reward model run by ONNX Runtime: a sequence-classification or regression model taking {@code
 * input_ids} and optionally {@code attention_mask}, {@code position_ids} and {@code token_type_ids}
 * (int64, {@code [batch, sequence]}; token types are all 0) and giving scores {@code [batch, labels]} or {@code [batch]}. The reward of a
 * (prompt, completion) pair is one label's logit ({@code labelIndex}) or the single score of a
 * scalar head, read from a configurable output. Sequences are the prompt followed by the
 * completion, right-padded in batches; a model without {@code attention_mask} (and without a fixed
 * sequence length) scores one sequence per call, so that padding never changes a score.
 *
 * <p>The model is checked when built (inputs, output name, rank, label index, fixed axes, and the
 * paired tokenizer's vocabulary), and every call's tokens are checked in Java before ONNX Runtime
 * sees them, so a rejected call leaves the session usable. Not thread-safe.
 */
public final class OnnxRewardModel implements RewardModel, AutoCloseable {
  private static final String INPUT_IDS = "input_ids";
  private static final String ATTENTION_MASK = "attention_mask";
  private static final String POSITION_IDS = "position_ids";
  private static final String TOKEN_TYPE_IDS = "token_type_ids";
  private static final Set<String> INPUTS = Set.of(INPUT_IDS, ATTENTION_MASK, POSITION_IDS,
      TOKEN_TYPE_IDS);

  private final Path file;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final String outputName;
  private final int labelIndex;
  private final int vocabularySize;
  private final int maxLength;
  private final int padToken;
  private final int maxBatch;
  private final boolean hasMask;
  private final boolean hasPositions;
  private final boolean hasTokenTypes;
  /** The fixed sequence length of the model, or -1 when that axis is dynamic. */
  private final int fixedLength;
  /** The fixed batch size of the model, or -1 when that axis is dynamic. */
  private final int fixedBatch;

  private OnnxRewardModel(Builder b) {
    this.file = b.file;
    this.outputName = b.outputName;
    this.labelIndex = b.labelIndex;
    this.vocabularySize = b.vocabularySize;
    this.maxLength = b.maxLength;
    this.padToken = b.padToken;
    this.environment = OnnxSessions.environment();
    this.session = OnnxSessions.open(file, b.options, "reward model");
    try {
      List<String> problems = new ArrayList<>();
      Map<String, NodeInfo> inputs = session.getInputInfo();
      boolean mask = false;
      boolean positions = false;
      boolean tokenTypes = false;
      long[] idsShape = null;
      for (NodeInfo node : inputs.values()) {
        String name = node.getName();
        if (!INPUTS.contains(name)) {
          problems.add("input " + name + " is not one of input_ids, attention_mask, position_ids,"
              + " token_type_ids");
          continue;
        }
        TensorInfo tensor = node.getInfo() instanceof TensorInfo t ? t : null;
        if (tensor == null || tensor.type != OnnxJavaType.INT64
            || tensor.getShape().length != 2) {
          problems.add("input " + name + " is " + node.getInfo()
              + ", expected an int64 tensor [batch, sequence]");
          continue;
        }
        mask |= name.equals(ATTENTION_MASK);
        positions |= name.equals(POSITION_IDS);
        tokenTypes |= name.equals(TOKEN_TYPE_IDS);
        idsShape = name.equals(INPUT_IDS) ? tensor.getShape() : idsShape;
      }
      if (!inputs.containsKey(INPUT_IDS)) {
        problems.add("input input_ids is missing (inputs are " + inputs.keySet() + ")");
      }
      this.hasMask = mask;
      this.hasPositions = positions;
      this.hasTokenTypes = tokenTypes;
      this.fixedLength = idsShape != null && idsShape[1] > 0 ? (int) idsShape[1] : -1;
      this.fixedBatch = idsShape != null && idsShape[0] > 0 ? (int) idsShape[0] : -1;
      // Without a mask, padding could change a score: such a model scores one sequence per call.
      this.maxBatch = fixedBatch > 0 ? fixedBatch
          : mask || fixedLength > 0 ? b.options.maxBatch() : 1;
      if (fixedLength > 0 && maxLength > fixedLength) {
        problems.add("maxLength " + maxLength + " exceeds the model's fixed sequence length "
            + fixedLength);
      }
      checkOutput(session.getOutputInfo(), problems);
      if (b.tokenizer != null && b.tokenizer.vocabularySize() > vocabularySize) {
        problems.add("the tokenizer produces " + b.tokenizer.vocabularySize()
            + " ids, more than the model's vocabulary of " + vocabularySize);
      }
      if (padToken >= vocabularySize) {
        problems.add("padToken " + padToken + " is outside the vocabulary of " + vocabularySize);
      }
      if (!problems.isEmpty()) {
        throw new BondException("The reward model " + file + " does not fit: "
            + String.join("; ", problems));
      }
    } catch (OrtException | RuntimeException e) {
      close();
      throw e instanceof BondException bond ? bond
          : new BondException("Cannot read the reward model " + file + ": " + e, e);
    }
  }

  private void checkOutput(Map<String, NodeInfo> outputs, List<String> problems) {
    NodeInfo output = outputs.get(outputName);
    if (output == null) {
      problems.add("output " + outputName + " is missing (outputs are " + outputs.keySet() + ")");
      return;
    }
    TensorInfo tensor = output.getInfo() instanceof TensorInfo t ? t : null;
    long[] shape = tensor == null ? new long[0] : tensor.getShape();
    if (tensor == null || tensor.type != OnnxJavaType.FLOAT || shape.length < 1
        || shape.length > 2) {
      problems.add("output " + outputName + " is " + output.getInfo()
          + ", expected float scores [batch] or [batch, labels]");
    } else if (labelIndex < 0 && shape.length == 2 && shape[1] != 1 && shape[1] >= 0) {
      problems.add("output " + outputName + " has " + shape[1] + " labels; choose one with"
          + " labelIndex (a scalar head needs [batch] or [batch, 1])");
    } else if (labelIndex >= 0 && shape.length == 2 && shape[1] >= 0 && labelIndex >= shape[1]) {
      problems.add("labelIndex " + labelIndex + " is outside the " + shape[1] + " labels of "
          + outputName);
    } else if (labelIndex >= 0 && shape.length == 1) {
      problems.add("labelIndex " + labelIndex + " was given, but " + outputName
          + " is a scalar head [batch]");
    }
  }

  /** A builder for the model in {@code file}. */
  public static Builder builder(Path file) {
    return new Builder(file);
  }

  /** The largest sequence (prompt plus completion) this model scores. */
  public int maxLength() {
    return maxLength;
  }

  @Override
  public double[] score(List<? extends PromptedSequence> sequences) {
    List<TokenSequence> joined = new ArrayList<>(sequences.size());
    for (PromptedSequence s : sequences) {
      joined.add(s.prompt().tokens().concat(s.completion()));
    }
    return scoreTokens(joined);
  }

  /** Rewards of whole token sequences (prompt and completion already joined). */
  public double[] scoreTokens(List<TokenSequence> sequences) {
    Problems problems = Problems.of("sequences for an ONNX reward model");
    for (int i = 0; i < sequences.size(); i++) {
      TokenSequence tokens = sequences.get(i);
      problems.check(!tokens.isEmpty(), "sequences[" + i + "]", tokens, "at least one token")
          .check(tokens.maxToken() < vocabularySize, "sequences[" + i + "]", tokens,
              "token ids in [0, " + vocabularySize + ")")
          .check(tokens.length() <= maxLength, "sequences[" + i + "].length", tokens.length(),
              "at most maxLength = " + maxLength + " tokens");
    }
    problems.throwIfAny();
    double[] out = new double[sequences.size()];
    for (int from = 0; from < sequences.size(); from += maxBatch) {
      List<TokenSequence> part = sequences.subList(from, Math.min(sequences.size(),
          from + maxBatch));
      double[] scores = run(part);
      System.arraycopy(scores, 0, out, from, scores.length);
    }
    return out;
  }

  private double[] run(List<TokenSequence> part) {
    int rows = fixedBatch > 0 ? fixedBatch : part.size();
    int width = fixedLength > 0 ? fixedLength
        : part.stream().mapToInt(TokenSequence::length).max().orElse(1);
    LongBuffer ids = longs(rows * width);
    LongBuffer mask = longs(rows * width);
    LongBuffer positions = longs(rows * width);
    for (int b = 0; b < rows; b++) {
      TokenSequence tokens = b < part.size() ? part.get(b) : part.get(0);
      for (int t = 0; t < width; t++) {
        boolean real = t < tokens.length();
        ids.put(real ? tokens.get(t) : padToken);
        mask.put(real ? 1 : 0);
        positions.put(t);
      }
    }
    long[] shape = {rows, width};
    List<OnnxTensor> owned = new ArrayList<>();
    try {
      Map<String, OnnxTensor> inputs = new HashMap<>();
      inputs.put(INPUT_IDS, own(owned, ids.rewind(), shape));
      if (hasMask) {
        inputs.put(ATTENTION_MASK, own(owned, mask.rewind(), shape));
      }
      if (hasPositions) {
        inputs.put(POSITION_IDS, own(owned, positions.rewind(), shape));
      }
      if (hasTokenTypes) {
        inputs.put(TOKEN_TYPE_IDS, own(owned, longs(rows * width), shape));
      }
      try (OrtSession.Result result =
          OrtObjects.result(session.run(inputs, Set.of(outputName)))) {
        return read((OnnxTensor) result.get(outputName).orElseThrow(), part.size(), rows);
      }
    } catch (OrtException e) {
      throw NativeEngineException.failed("ONNX Runtime", "running the reward model " + file
          + " on a batch of " + part.size(), e);
    } finally {
      owned.forEach(OnnxTensor::close);
    }
  }

  private double[] read(OnnxTensor output, int count, int rows) {
    long[] shape = output.getInfo().getShape();
    int labels = shape.length == 2 ? (int) shape[1] : 1;
    int column = labelIndex < 0 ? 0 : labelIndex;
    if (shape[0] != rows || column >= labels) {
      throw new BondException("The reward model " + file + " returned " + outputName
          + " of shape " + Arrays.toString(shape) + ", expected [" + rows + (labelIndex < 0
              ? "] or [" + rows + ", 1]" : ", > " + labelIndex + "]"));
    }
    FloatBuffer values = output.getFloatBuffer();
    double[] out = new double[count];
    for (int b = 0; b < count; b++) {
      out[b] = values.get(b * labels + column);
      if (Double.isNaN(out[b])) {
        throw new BondException("The reward model " + file + " returned NaN for sequence " + b);
      }
    }
    return out;
  }

  private OnnxTensor own(List<OnnxTensor> owned, LongBuffer data, long[] shape)
      throws OrtException {
    OnnxTensor tensor = OrtObjects.value(OnnxTensor.createTensor(environment, data, shape));
    owned.add(tensor);
    return tensor;
  }

  private static LongBuffer longs(int count) {
    return ByteBuffer.allocateDirect(count * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
  }

  @Override
  public void close() {
    if (session != null) {
      try {
        OrtObjects.close(session);
      } catch (OrtException e) {
        throw NativeEngineException.cannotClose("the ONNX Runtime session of " + file, e);
      }
    }
  }

  /** Configures an {@link OnnxRewardModel}; {@link #build} validates every field at once. */
  public static final class Builder {
    private final Path file;
    private String outputName = "logits";
    private int labelIndex = -1;
    private int vocabularySize = -1;
    private int maxLength = -1;
    private int padToken;
    private Tokenizer tokenizer;
    private OnnxOptions options = OnnxOptions.cpu();

    private Builder(Path file) {
      this.file = Objects.requireNonNull(file, "file");
    }

    /** The output holding the scores; {@code logits} by default. */
    public Builder outputName(String name) {
      this.outputName = name;
      return this;
    }

    /** Which label's score is the reward; -1 (the default) for a scalar head. */
    public Builder labelIndex(int index) {
      this.labelIndex = index;
      return this;
    }

    /** The number of token ids the model's embedding holds; required. */
    public Builder vocabularySize(int size) {
      this.vocabularySize = size;
      return this;
    }

    /** The longest sequence the model takes (its position limit); required. */
    public Builder maxLength(int length) {
      this.maxLength = length;
      return this;
    }

    /** The id written into padding (masked out where the model takes a mask); 0 by default. */
    public Builder padToken(int token) {
      this.padToken = token;
      return this;
    }

    /** The tokenizer whose ids this model will score; checked against the vocabulary. */
    public Builder tokenizer(Tokenizer pairedTokenizer) {
      this.tokenizer = pairedTokenizer;
      return this;
    }

    /** Session options and device. */
    public Builder options(OnnxOptions sessionOptions) {
      this.options = Objects.requireNonNull(sessionOptions, "options");
      return this;
    }

    /**
     * Opens and checks the model.
     *
     * @throws dev.bond4j.InvalidArgumentException when a setting is out of range
     * @throws BondException when the file is not a fitting ONNX model
     */
    public OnnxRewardModel build() {
      Problems.of("OnnxRewardModel")
          .check(outputName != null && !outputName.isBlank(), "outputName", outputName,
              "a non-blank output name")
          .atLeast("labelIndex", labelIndex, -1)
          .atLeast("vocabularySize", vocabularySize, 1)
          .atLeast("maxLength", maxLength, 1)
          .atLeast("padToken", padToken, 0)
          .throwIfAny();
      return new OnnxRewardModel(this);
    }
  }
}
