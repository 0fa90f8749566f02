package dev.bond4j.config;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.spi.TokenizerProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * The tokenizers a configuration or the command line can name: a {@link BuiltInTokenizer} ({@code
 * byte}, {@code demo}), or a HuggingFace {@code tokenizer.json} file or a model folder holding
 * one, opened through a {@link TokenizerProvider} on the class path.
 */
public final class Tokenizers {
  /** What the {@code tokenizer} setting accepts, for messages. */
  public static final String VALID = "byte, demo, a tokenizer.json file or a model folder"
      + " holding one";

  private Tokenizers() {}

  /**
   * {@code spec} with a path resolved against {@code base}; a built-in name as it is.
   *
   * @throws dev.bond4j.InvalidArgumentException naming {@code field} when {@code spec} is
   *     neither a built-in name nor an existing path
   */
  public static String resolve(String field, String spec, Path base) {
    if (BuiltInTokenizer.named(spec).isPresent()) {
      return spec;
    }
    Path path = base.resolve(spec).normalize();
    Problems.require(Files.exists(path), field, spec, VALID);
    return path.toString();
  }

  /**
   * The tokenizer {@code spec} names; a path is resolved against the working folder.
   *
   * @throws dev.bond4j.InvalidArgumentException when the spec is neither a name nor a path
   * @throws BondException when the file cannot be read or no provider reads it
   */
  public static Tokenizer open(String spec) {
    var builtIn = BuiltInTokenizer.named(spec);
    if (builtIn.isPresent()) {
      return builtIn.get().open();
    }
    Path path = Path.of(spec);
    Problems.require(Files.exists(path), "tokenizer", spec, VALID);
    TokenizerProvider provider = ServiceLoader.load(TokenizerProvider.class).findFirst()
        .orElseThrow(() -> new BondException("No tokenizer provider on the class path reads "
            + spec + ": add backend-djl, which reads HuggingFace tokenizer.json files"));
    return provider.open(path);
  }

  /**
   * Checks that every id a tokenizer file makes is one the policy knows. The built-in tokenizers
   * are not checked: prompts are, when they are sampled.
   *
   * @throws dev.bond4j.InvalidArgumentException naming both sizes
   */
  public static void checkFits(String spec, Tokenizer tokenizer, int policyVocabulary) {
    if (BuiltInTokenizer.named(spec).isPresent()) {
      return;
    }
    Problems.require(tokenizer.vocabularySize() <= policyVocabulary, "tokenizer vocabulary",
        tokenizer.vocabularySize(), "at most the policy's vocabulary of " + policyVocabulary);
  }
}
