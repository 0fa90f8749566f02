package dev.bond4j.cli;

import picocli.CommandLine.Option;

/**
 * The options of every command that loads a policy, in {@code bond} and {@code bond-spark}: the
 * backend, its engine threads and the tokenizer.
 */
public final class ModelOptions {
  @Option(names = "--backend", defaultValue = "djl",
      description = "Backend (default: ${DEFAULT-VALUE}).")
  private String backend;

  @Option(names = "--threads", defaultValue = "1",
      description = "Engine threads, per task on Spark (default: ${DEFAULT-VALUE}).")
  private int threads;

  @Option(names = "--tokenizer", defaultValue = "demo",
      description = "demo (the demo's words), byte, a tokenizer.json or a model folder holding"
          + " one (default: ${DEFAULT-VALUE}).")
  private String tokenizer;

  /** The backend's name. */
  public String backend() {
    return backend;
  }

  /** Engine threads. */
  public int threads() {
    return threads;
  }

  /** The tokenizer's spec: a built-in name or a path ({@link dev.bond4j.config.Tokenizers}). */
  public String tokenizer() {
    return tokenizer;
  }
}
