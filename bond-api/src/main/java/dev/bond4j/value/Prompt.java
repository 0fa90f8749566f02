package dev.bond4j.value;

import dev.bond4j.Problems;
import org.immutables.value.Value;

/**
 * One prompt {@code x}: a stable identifier (used in reports and for per-prompt statistics) and
 * its token ids. Prompt tokens never count in a completion's log-probability (SPEC notation).
 */
@Value.Immutable
@BondStyle
public abstract class Prompt {
  /** Identifier, unique within a data set. */
  public abstract String id();

  /** The prompt's token ids. */
  public abstract TokenSequence tokens();

  /** The prompt's text, when it came from text; empty otherwise. */
  @Value.Default
  public String text() {
    return "";
  }

  /** A prompt with the given id and tokens. */
  public static Prompt of(String id, TokenSequence tokens) {
    return ImmutablePrompt.builder().id(id).tokens(tokens).build();
  }

  /** A builder. */
  public static ImmutablePrompt.Builder builder() {
    return ImmutablePrompt.builder();
  }

  @Value.Check
  protected void check() {
    Problems.of("Prompt").check(!id().isBlank(), "id", id(), "a non-blank identifier").throwIfAny();
  }
}
