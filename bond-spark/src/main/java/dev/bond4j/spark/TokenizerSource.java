package dev.bond4j.spark;

import dev.bond4j.config.BuiltInTokenizer;
import dev.bond4j.config.Tokenizers;
import dev.bond4j.model.Tokenizer;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tokenizer as executors can open it: a built-in name ({@code byte}, {@code demo}), or a
 * {@code tokenizer.json} (or a folder holding one) shipped as bytes.
 *
 * @param name the built-in name, or the shipped file's name
 * @param files the shipped file, or null for a built-in name
 */
public record TokenizerSource(String name, ShippedFolder files) implements Serializable {
  /** The tokenizer {@code spec} names, as the {@code bond} command's {@code --tokenizer}. */
  public static TokenizerSource of(String spec) {
    if (BuiltInTokenizer.named(spec).isPresent()) {
      return new TokenizerSource(spec, null);
    }
    Path path = Path.of(spec);
    Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
    return new TokenizerSource(file.getFileName().toString(),
        ShippedFolder.of(file, "--tokenizer"));
  }

  /** Opens the tokenizer (on an executor: from the shipped bytes). */
  public Tokenizer open() {
    return Tokenizers.open(files == null ? name : files.materialize().resolve(name).toString());
  }

  /** A key that differs when the tokenizer does. */
  String key() {
    return files == null ? name : files.hash();
  }
}
