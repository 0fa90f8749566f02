package dev.bond4j.decoder;

import dev.bond4j.BondException;
import dev.bond4j.MemoryBudget;
import dev.bond4j.Problems;
import dev.bond4j.spi.ModelShape;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The shape of a decoder-only language model, one description for every engine, read from and
 * written to HuggingFace's {@code config.json} (see {@link DecoderConfigJson}). Two families:
 *
 * <ul>
 *   <li>{@code gpt2}: learned positions, pre-LayerNorm blocks, a GELU MLP, fused biased
 *       projections, the head tied to the token embedding;
 *   <li>{@code llama}, {@code qwen2}, {@code mistral}: rotary positions ({@link RotaryEmbedding}),
 *       RMSNorm, a SwiGLU MLP, grouped-query attention ({@code kvHeads} dividing {@code heads}),
 *       optional q/k/v biases (Qwen2), a tied or untied head.
 * </ul>
 *
 * Every field is validated and all problems are reported together.
 *
 * @param modelType {@code model_type}: {@code gpt2}, {@code llama}, {@code qwen2} or {@code mistral}
 * @param vocabularySize {@code vocab_size}
 * @param maxPositions {@code n_positions} / {@code max_position_embeddings}
 * @param embeddingSize {@code n_embd} / {@code hidden_size}
 * @param layers {@code n_layer} / {@code num_hidden_layers}
 * @param heads {@code n_head} / {@code num_attention_heads}
 * @param kvHeads {@code num_key_value_heads} (equal to {@code heads} for GPT-2)
 * @param headSize {@code head_dim} ({@code embeddingSize / heads} for GPT-2)
 * @param innerSize {@code n_inner} / {@code intermediate_size}: the MLP width
 * @param normEpsilon {@code layer_norm_epsilon} / {@code rms_norm_eps}
 * @param activation GPT-2's {@code activation_function} ({@code gelu_new}, {@code
 *     gelu_pytorch_tanh}, {@code gelu_fast}: the tanh form; {@code gelu}: the erf form), or {@code
 *     silu} for the gated MLP of the Llama family
 * @param tiedEmbeddings whether the head is the token embedding ({@code tie_word_embeddings})
 * @param attentionBias whether the query, key and value projections have biases
 * @param outputBias whether the attention output projection has a bias
 * @param mlpBias whether the MLP projections have biases
 * @param rope the rotary embedding, or null for GPT-2's learned positions
 * @param bosToken {@code bos_token_id}
 * @param eosTokens {@code eos_token_id}: one or more ids that end a completion; the first also
 *     pads
 * @param dtype {@code torch_dtype}: {@code float32}, {@code bfloat16} or {@code float16}; the
 *     dtype the weight files must hold, or null when the config does not say
 */
public record DecoderConfig(String modelType, int vocabularySize, int maxPositions,
    int embeddingSize, int layers, int heads, int kvHeads, int headSize, int innerSize,
    double normEpsilon, String activation, boolean tiedEmbeddings, boolean attentionBias,
    boolean outputBias, boolean mlpBias, RotaryEmbedding rope, int bosToken,
    List<Integer> eosTokens, String dtype) {
  /** The supported {@code model_type}s. */
  public static final List<String> MODEL_TYPES = List.of("gpt2", "llama", "qwen2", "mistral");
  /** Activation names of the tanh approximation of GELU. */
  public static final Set<String> TANH_GELU = Set.of("gelu_new", "gelu_pytorch_tanh", "gelu_fast");
  /** The supported {@code torch_dtype}s and their safetensors dtypes. */
  public static final List<String> DTYPES = List.of("float32", "bfloat16", "float16");

  /** Validates every field at once. */
  public DecoderConfig {
    eosTokens = eosTokens == null ? null : List.copyOf(eosTokens);
    Problems problems = Problems.of(modelType + " config")
        .check(MODEL_TYPES.contains(modelType), "model_type", modelType,
            "one of " + String.join(", ", MODEL_TYPES))
        .atLeast("vocab_size", vocabularySize, 2)
        .atLeast("max_position_embeddings", maxPositions, 2)
        .atLeast("hidden_size", embeddingSize, 1)
        .atLeast("num_hidden_layers", layers, 1)
        .atLeast("num_attention_heads", heads, 1)
        .atLeast("num_key_value_heads", kvHeads, 1)
        .atLeast("head_dim", headSize, 1)
        .atLeast("intermediate_size", innerSize, 1)
        .check(normEpsilon > 0 && Double.isFinite(normEpsilon), "norm epsilon", normEpsilon,
            "a finite number > 0")
        .check(dtype == null || DTYPES.contains(dtype), "torch_dtype", dtype,
            "one of " + String.join(", ", DTYPES))
        .check(eosTokens != null && !eosTokens.isEmpty(), "eos_token_id", eosTokens,
            "one id or a non-empty list of ids")
        .check(bosToken >= 0 && bosToken < vocabularySize, "bos_token_id", bosToken,
            "an id in [0, vocab_size = " + vocabularySize + ")");
    if (eosTokens != null) {
      for (int eos : eosTokens) {
        problems.check(eos >= 0 && eos < vocabularySize, "eos_token_id", eos,
            "an id in [0, vocab_size = " + vocabularySize + ")");
      }
    }
    problems.check(kvHeads < 1 || heads % kvHeads == 0, "num_key_value_heads", kvHeads,
        "a divisor of num_attention_heads = " + heads);
    if ("gpt2".equals(modelType)) {
      problems.check(TANH_GELU.contains(activation) || "gelu".equals(activation),
              "activation_function", activation,
              "one of gelu_new, gelu_pytorch_tanh, gelu_fast, gelu")
          .check(heads < 1 || embeddingSize % heads == 0, "n_embd", embeddingSize,
              "a multiple of n_head = " + heads)
          .check(heads < 1 || headSize == embeddingSize / heads, "head_dim", headSize,
              "n_embd / n_head = " + (heads < 1 ? "?" : embeddingSize / heads))
          .check(kvHeads == heads, "num_key_value_heads", kvHeads, "n_head = " + heads)
          .check(tiedEmbeddings, "tie_word_embeddings", false,
              "true (GPT-2's head is the token embedding)")
          .check(rope == null, "rope", rope, "none (GPT-2 learns its positions)");
    } else if (MODEL_TYPES.contains(modelType)) {
      problems.check("silu".equals(activation), "hidden_act", activation, "silu")
          .check(headSize % 2 == 0, "head_dim", headSize, "an even number (RoPE rotates pairs)")
          .check(rope != null, "rope_theta", null, "a rotary embedding");
    }
    problems.throwIfAny();
  }

  /**
   * A GPT-2 shape with the usual defaults: MLP width {@code 4 * d}, epsilon 1e-5, {@code gelu_new},
   * EOS the last id.
   */
  public static DecoderConfig gpt2(int vocabularySize, int maxPositions, int embeddingSize,
      int layers, int heads) {
    return gpt2(vocabularySize, maxPositions, embeddingSize, layers, heads, 4 * embeddingSize,
        1e-5, "gelu_new", vocabularySize - 1);
  }

  /** A GPT-2 shape with every field given. */
  public static DecoderConfig gpt2(int vocabularySize, int maxPositions, int embeddingSize,
      int layers, int heads, int innerSize, double epsilon, String activation, int eos) {
    return new DecoderConfig("gpt2", vocabularySize, maxPositions, embeddingSize, layers, heads,
        heads, heads < 1 ? 1 : embeddingSize / heads, innerSize, epsilon, activation, true, true,
        true, true, null, eos, List.of(eos), null);
  }

  /**
   * A Llama shape: RoPE with base 10000, RMSNorm epsilon 1e-5, no biases, EOS the last id.
   *
   * @param tied whether the head is the token embedding
   */
  public static DecoderConfig llama(int vocabularySize, int maxPositions, int embeddingSize,
      int layers, int heads, int kvHeads, int innerSize, boolean tied) {
    return new DecoderConfig("llama", vocabularySize, maxPositions, embeddingSize, layers, heads,
        kvHeads, heads < 1 ? 1 : embeddingSize / heads, innerSize, 1e-5, "silu", tied, false,
        false, false, RotaryEmbedding.plain(10000), 0, List.of(vocabularySize - 1), null);
  }

  /**
   * The decoder a backend-neutral {@link ModelShape} describes: GPT-2 with the usual defaults
   * ({@code gelu_new}, MLP width {@code 4 d}, epsilon 1e-5), or a Llama of its {@code kvHeads}
   * (MLP width {@code 4 d}, tied head, RoPE base 10000).
   */
  public static DecoderConfig of(ModelShape shape) {
    if (shape.modelType().equals("gpt2")) {
      return gpt2(shape.vocabularySize(), shape.contextLength(), shape.dModel(), shape.layers(),
          shape.heads(), 4 * shape.dModel(), 1e-5, "gelu_new", shape.eosToken());
    }
    int heads = shape.heads();
    return new DecoderConfig(shape.modelType(), shape.vocabularySize(), shape.contextLength(),
        shape.dModel(), shape.layers(), heads, shape.kvHeads() == 0 ? heads : shape.kvHeads(),
        shape.dModel() / heads, 4 * shape.dModel(), 1e-5, "silu", true,
        shape.modelType().equals("qwen2"), false, false, RotaryEmbedding.plain(10000), 0,
        List.of(shape.eosToken()), null);
  }

  /** Reads {@code config.json} from a model folder. */
  public static DecoderConfig read(Path directory) {
    DecoderConfig config = DecoderConfigJson.read(directory);
    long parameters = config.parameterCount();
    MemoryBudget.require("parameters", parameters, "the model in " + directory
        + " (float32 weights in the engine; a resumed policy also reads weights and moments into"
        + " Java)", 0, 4.0 * parameters);
    return config;
  }

  /** Writes {@code config.json} into a model folder, atomically. */
  public void write(Path directory) {
    DecoderConfigJson.write(this, directory);
  }

  /** Whether this is the GPT-2 family (learned positions, LayerNorm, GELU). */
  public boolean isGpt2() {
    return "gpt2".equals(modelType);
  }

  /** The first end-of-sequence id; it also pads. */
  public int eosToken() {
    return eosTokens.get(0);
  }

  /** Whether {@code token} ends a completion. */
  public boolean isEos(int token) {
    return eosTokens.contains(token);
  }

  /** The same shape with another single end-of-sequence id. */
  public DecoderConfig withEosToken(int eos) {
    return new DecoderConfig(modelType, vocabularySize, maxPositions, embeddingSize, layers, heads,
        kvHeads, headSize, innerSize, normEpsilon, activation, tiedEmbeddings, attentionBias,
        outputBias, mlpBias, rope, isGpt2() ? eos : bosToken, List.of(eos), dtype);
  }

  /** The same shape whose weight files hold {@code torch_dtype} (null: any). */
  public DecoderConfig withDtype(String torchDtype) {
    return new DecoderConfig(modelType, vocabularySize, maxPositions, embeddingSize, layers, heads,
        kvHeads, headSize, innerSize, normEpsilon, activation, tiedEmbeddings, attentionBias,
        outputBias, mlpBias, rope, bosToken, eosTokens, torchDtype);
  }

  /** Whether {@code other} has the same shape, whatever dtype its files hold. */
  public boolean sameShape(DecoderConfig other) {
    return withDtype(null).equals(other.withDtype(null));
  }

  /** Query heads that share one key-value head. */
  public int queriesPerKvHead() {
    return heads / kvHeads;
  }

  /** Width of the attention output: {@code heads · headSize}. */
  public int attentionSize() {
    return heads * headSize;
  }

  /** Number of parameters. */
  public long parameterCount() {
    return new DecoderLayout(this).parameterCount();
  }

  /**
   * Checks that {@code values} parameters, in the canonical order, fill this shape exactly.
   *
   * @throws BondException {@code "Expected N parameters for CONFIG, got M"} otherwise
   */
  public void requireParameterCount(long values) {
    if (values != parameterCount()) {
      throw new BondException("Expected " + parameterCount() + " parameters for " + this
          + ", got " + values);
    }
  }
}
