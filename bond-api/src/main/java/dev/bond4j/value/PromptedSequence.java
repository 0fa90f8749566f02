package dev.bond4j.value;

/**
 * A completion's tokens together with the prompt they continue: everything a backend needs to
 * compute {@code log π(y | x)}. Completions and weighted sequences are both prompted sequences.
 */
public interface PromptedSequence {
  /** The prompt {@code x}. */
  Prompt prompt();

  /** The completion {@code y}, EOS included when it was generated. */
  TokenSequence completion();
}
