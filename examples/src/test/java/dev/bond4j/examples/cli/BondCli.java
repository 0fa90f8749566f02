package dev.bond4j.examples.cli;

import dev.bond4j.cli.BondCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code bond} command in-process for the command-line tests. */
final class BondCli {
  private BondCli() {}

  /** One run's exit status and output. */
  record Run(int status, String out, String err) {}

  /** Runs {@code bond ARGS}. */
  static Run bond(String... args) {
    CommandLine line = BondCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    return new Run(line.execute(args), out.toString(), err.toString());
  }
}
