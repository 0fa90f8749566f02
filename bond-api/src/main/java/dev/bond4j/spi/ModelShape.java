package dev.bond4j.spi;

import dev.bond4j.Problems;
import dev.bond4j.value.BondStyle;
import org.immutables.value.Value;

/** The shape of a fresh GPT-2-family policy: vocabulary, context, width, depth and heads. */
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
        .throwIfAny();
  }
}
