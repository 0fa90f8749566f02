package dev.bond4j.spi;

import dev.bond4j.Problems;
import dev.bond4j.value.BondStyle;
import java.nio.file.Path;
import org.immutables.value.Value;

/** Where a reward model lives and how to read its score: the file, the output and the label. */
@Value.Immutable
@BondStyle
public abstract class RewardSpec {
  /** The model file. */
  public abstract Path model();

  /** The output holding the scores. */
  @Value.Default
  public String output() {
    return "logits";
  }

  /** Which label's score is the reward; -1 for a scalar head. */
  @Value.Default
  public int label() {
    return -1;
  }

  /** The longest prompt plus completion the model scores. */
  @Value.Default
  public int maxLength() {
    return 128;
  }

  /** Device and threads. */
  @Value.Default
  public BackendOptions options() {
    return BackendOptions.defaults();
  }

  /** A builder. */
  public static ImmutableRewardSpec.Builder builder() {
    return ImmutableRewardSpec.builder();
  }

  @Value.Check
  protected void check() {
    Problems.of("RewardSpec").check(!output().isBlank(), "output", output(), "an output name")
        .atLeast("label", label(), -1).atLeast("maxLength", maxLength(), 2).throwIfAny();
  }
}
