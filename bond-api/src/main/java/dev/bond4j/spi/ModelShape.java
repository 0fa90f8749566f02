package dev.bond4j.spi;

import dev.bond4j.Problems;
import dev.bond4j.value.BondStyle;
import java.util.List;
import org.immutables.value.Value;

/**
 * The shape of a fresh policy: its family ({@code gpt2}, or {@code llama}, {@code qwen2}, {@code
 * mistral} with rotary positions), vocabulary, context, width, depth, heads and key-value heads.
 */
@Value.Immutable
@BondStyle
public abstract class ModelShape {
  /** Number of token ids. */
  public abstract int vocabularySize();

  /** The end-of-sequence id. */
  public abstract int eosToken();

  /** Longest prompt plus completion, in tokens. */
  @Value.Default
  public int contextLength() {
    return 64;
  }

  /** Width of the residual stream. */
  @Value.Default
  public int dModel() {
    return 128;
  }

  /** Number of transformer blocks. */
  @Value.Default
  public int layers() {
    return 2;
  }

  /** The HuggingFace {@code model_type}: {@code gpt2}, {@code llama}, {@code qwen2} or {@code mistral}. */
  @Value.Default
  public String modelType() {
    return "gpt2";
  }

  /** Key-value heads of the Llama family; 0 means as many as {@link #heads()}. */
  @Value.Default
  public int kvHeads() {
    return 0;
  }

  /** Attention heads per block; must divide {@link #dModel()}. */
  @Value.Default
  public int heads() {
    return 4;
  }

  /** A builder. */
  public static ImmutableModelShape.Builder builder() {
    return ImmutableModelShape.builder();
  }

  @Value.Check
  protected void check() {
    Problems.of("ModelShape").atLeast("vocabularySize", vocabularySize(), 2)
        .check(eosToken() >= 0 && eosToken() < vocabularySize(), "eosToken", eosToken(),
            "an id in [0, vocabularySize)")
        .atLeast("contextLength", contextLength(), 2).atLeast("dModel", dModel(), 1)
        .atLeast("layers", layers(), 1).atLeast("heads", heads(), 1)
        .check(heads() > 0 && dModel() % heads() == 0, "heads", heads(),
            "a divisor of dModel = " + dModel())
        .check(List.of("gpt2", "llama", "qwen2", "mistral").contains(modelType()),
            "modelType", modelType(), "gpt2, llama, qwen2 or mistral")
        .check(kvHeads() == 0 || kvHeads() > 0 && heads() % kvHeads() == 0, "kvHeads", kvHeads(),
            "0 (as many as heads) or a divisor of heads = " + heads())
        .throwIfAny();
  }
}
