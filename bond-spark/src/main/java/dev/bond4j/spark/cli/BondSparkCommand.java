package dev.bond4j.spark.cli;

import dev.bond4j.BondException;
import dev.bond4j.cli.BondCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code bond-spark} command line: Best-of-N datasets ({@code generate}) and evaluation
 * ({@code eval}) on Spark, embedded ({@code local[*]}) or on a cluster ({@code --master
 * spark://HOST:PORT}, or through {@code spark-submit}). Errors are one line with the {@code bond}
 * command's exit statuses (2 for rejected input, 1 for an engine, cluster or internal failure); a
 * failure on an executor is reported by the bond4j error that caused it.
 */
@Command(name = "bond-spark", mixinStandardHelpOptions = true, version = "bond4j 0.1.0",
    description = "Best-of-N datasets and evaluation on Apache Spark.",
    subcommands = {GenerateCommand.class, SparkEvalCommand.class,
        CommandLine.HelpCommand.class})
public final class BondSparkCommand implements Runnable {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  @SuppressWarnings("unused") // picocli sets it; the error handler reads it through the parse
  private boolean verbose;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    int status;
    try {
      status = commandLine().execute(args);
    } catch (Error e) {
      System.err.println("bond-spark: internal error: " + e);
      status = BondCommand.INTERNAL_ERROR;
    }
    System.exit(status);
  }

  /** The configured command line, for embedding and tests. */
  public static CommandLine commandLine() {
    CommandLine line = new CommandLine(new BondSparkCommand());
    line.setExecutionExceptionHandler((exception, failed, parsed) -> {
      boolean verbose = parsed.subcommands().stream()
          .anyMatch(p -> p.matchedOptionValue("--verbose", false));
      Throwable cause = bondCause(exception);
      failed.getErr().println("bond-spark: " + describe(exception, cause));
      if (verbose) {
        exception.printStackTrace(failed.getErr());
      }
      return cause == null ? BondCommand.INTERNAL_ERROR : BondCommand.exitStatus(cause);
    });
    return line;
  }

  /** The bond4j error behind {@code exception} (an executor's, wrapped by Spark), or null. */
  static Throwable bondCause(Throwable exception) {
    for (Throwable t = exception; t != null; t = t.getCause()) {
      if (t instanceof BondException) {
        return t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /** One line: the bond4j error's message (from an executor, said so), or the first line. */
  static String describe(Throwable exception, Throwable cause) {
    String line;
    if (cause != null) {
      line = (cause == exception ? "" : "on an executor: ") + cause.getMessage();
    } else {
      String message = String.valueOf(exception.getMessage());
      line = exception.getClass().getSimpleName() + ": " + message.lines().findFirst().orElse("");
    }
    return line.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
