package dev.bond4j.model;

import dev.bond4j.value.TokenSequence;

/** Turns text into token ids and back, so that prompts and rewards can work on text. */
public interface Tokenizer {
  /** Token ids of {@code text}, without any special tokens. */
  TokenSequence encode(String text);

  /** Text of {@code tokens}; the end-of-sequence token is dropped. */
  String decode(TokenSequence tokens);

  /** Number of ids this tokenizer can produce, special tokens included. */
  int vocabularySize();

  /** The end-of-sequence token id. */
  int eosToken();
}
