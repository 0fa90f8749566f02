package dev.bond4j.model;

import dev.bond4j.Problems;
import dev.bond4j.value.TokenSequence;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The simplest lossless tokenizer: one token per UTF-8 byte (ids 0-255) plus an end-of-sequence
 * token with id 256. Used by tests and the embedded demo; it needs no vocabulary file.
 */
public final class ByteTokenizer implements Tokenizer {
  /** The end-of-sequence id. */
  public static final int EOS = 256;

  @Override
  public TokenSequence encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i] & 0xFF;
    }
    return TokenSequence.of(ids);
  }

  @Override
  public String decode(TokenSequence tokens) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(tokens.length());
    for (int i = 0; i < tokens.length(); i++) {
      int id = tokens.get(i);
      Problems.require(id <= EOS, "tokens[" + i + "]", id, "a byte id in [0, 256]");
      if (id != EOS) {
        out.write(id);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public int vocabularySize() {
    return EOS + 1;
  }

  @Override
  public int eosToken() {
    return EOS;
  }
}
