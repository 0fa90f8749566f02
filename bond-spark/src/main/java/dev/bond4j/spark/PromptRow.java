package dev.bond4j.spark;

import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import java.io.Serializable;

/**
 * A prompt as it travels to executors: its index in the prompt set (which, with the run seed,
 * decides all of its randomness), id, text and token ids.
 *
 * @param index the prompt's position in the input, from 0
 * @param id the prompt's identifier
 * @param text the prompt's text
 * @param tokens the prompt's token ids
 */
public record PromptRow(long index, String id, String text, int[] tokens) implements Serializable {
  /** The row of {@code prompt} at {@code index}. */
  public static PromptRow of(long index, Prompt prompt) {
    return new PromptRow(index, prompt.id(), prompt.text(), prompt.tokens().toArray());
  }

  /** The prompt. */
  public Prompt prompt() {
    return Prompt.builder().id(id).text(text).tokens(TokenSequence.of(tokens)).build();
  }
}
