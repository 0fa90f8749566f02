package dev.bond4j.config;

import dev.bond4j.demo.ReviewCorpus;
import dev.bond4j.model.ByteTokenizer;
import dev.bond4j.model.Tokenizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The tokenizers a configuration or the command line names by a word rather than a file: every
 * place that tells a name from a path asks {@link #named}.
 */
public enum BuiltInTokenizer {
  /** One token per UTF-8 byte. */
  BYTE {
    @Override
    public Tokenizer open() {
      return new ByteTokenizer();
    }
  },
  /** The demo's words. */
  DEMO {
    @Override
    public Tokenizer open() {
      return ReviewCorpus.tokenizer();
    }
  };

  /** A new tokenizer of this kind. */
  public abstract Tokenizer open();

  /** The name configurations use: {@code byte} or {@code demo}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The built-in tokenizer {@code spec} names, or empty when it names a file. */
  public static Optional<BuiltInTokenizer> named(String spec) {
    return Arrays.stream(values()).filter(t -> t.configName().equals(spec)).findFirst();
  }
}
