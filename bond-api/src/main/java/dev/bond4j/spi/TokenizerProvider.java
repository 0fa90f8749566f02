package dev.bond4j.spi;

import dev.bond4j.model.Tokenizer;
import java.nio.file.Path;

/**
 * Tokenizer files as a service, found through {@link java.util.ServiceLoader} so that a
 * configuration can name a HuggingFace {@code tokenizer.json} without compiling against the
 * library that reads it. Each providing module lists its implementation in {@code
 * META-INF/services/dev.bond4j.spi.TokenizerProvider}.
 */
public interface TokenizerProvider {
  /**
   * Opens a {@code tokenizer.json}, or the one in a model folder, with the end-of-sequence id the
   * folder's {@code generation_config.json} or {@code tokenizer_config.json} names.
   *
   * @throws dev.bond4j.BondException when the file is missing or malformed, or no EOS is named
   */
  Tokenizer open(Path fileOrFolder);
}
