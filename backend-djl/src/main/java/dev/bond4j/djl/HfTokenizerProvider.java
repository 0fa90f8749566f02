package dev.bond4j.djl;

import dev.bond4j.model.Tokenizer;
import dev.bond4j.spi.TokenizerProvider;
import java.nio.file.Path;

/** HuggingFace {@code tokenizer.json} files through {@link HfTokenizer}, as a service. */
public final class HfTokenizerProvider implements TokenizerProvider {
  @Override
  public Tokenizer open(Path fileOrFolder) {
    return HfTokenizer.open(fileOrFolder);
  }
}
