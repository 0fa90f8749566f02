package dev.bond4j.decoder.bench;

import dev.bond4j.BondException;

/** The {@code main} of a benchmark program: the JSON line, or one line of error and status 2. */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  /** A benchmark program: command-line options in, JSON line out. */
  @FunctionalInterface
  public interface Program {
    /** Runs the benchmark and returns its JSON line. */
    String run(String[] argv) throws Exception;
  }

  /**
   * Runs {@code program} and prints its JSON line; bad options (or a model shape the library
   * rejects) print one line to standard error and exit with status 2.
   */
  public static void run(Program program, String[] argv) throws Exception {
    String json;
    try {
      json = program.run(argv);
    } catch (IllegalArgumentException | BondException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    System.out.println(json);
  }
}
