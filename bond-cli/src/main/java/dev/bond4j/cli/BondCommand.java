package dev.bond4j.cli;

import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;
import dev.bond4j.NumericalException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/**
 * The {@code bond} command line: one subcommand per job. Every error is printed as one line
 * ({@code --verbose} adds the stack trace) and ends the run with a status that says whose it is:
 * {@link #INVALID_INPUT} (2) for input bond4j rejected, {@link #NUMERICAL_FAILURE} (3) for a NaN
 * or infinity that stopped training, {@link #INTERNAL_ERROR} (1) for an engine failure or a bug.
 */
@Command(name = "bond", mixinStandardHelpOptions = true, version = "bond4j 0.1.0",
    description = "Best-of-N Distillation (BOND, J-BOND) for the JVM.",
    subcommands = {DemoCommand.class, TrainCommand.class, SampleCommand.class,
        EvalCommand.class, BenchCommand.class, PaperCommand.class, InitCommand.class,
        MergeCommand.class, CommandLine.HelpCommand.class})
public final class BondCommand implements Callable<Integer> {
  /** Exit status for an engine failure or an internal error (a bug, an exhausted JVM). */
  public static final int INTERNAL_ERROR = 1;
  /** Exit status for input the library rejected: configuration, files, options, checkpoints. */
  public static final int INVALID_INPUT = 2;
  /** Exit status for a numerical failure: a NaN or infinite reward, log-prob, weight or loss. */
  public static final int NUMERICAL_FAILURE = 3;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  @SuppressWarnings("unused") // picocli sets it; the error handler reads it through the spec
  private boolean verbose;

  /** With no subcommand, {@code bond} runs the demo. */
  @Override
  public Integer call() {
    return spec.commandLine().getSubcommands().get("demo").execute();
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    ApplicationOptions.configureProcess();
    int status;
    try {
      status = commandLine().execute(args);
    } catch (Error e) {
      System.err.println("bond: internal error: " + e);
      status = INTERNAL_ERROR;
    }
    System.exit(status);
  }

  /** The exit status of a run that ended with {@code exception}. */
  public static int exitStatus(Throwable exception) {
    if (exception instanceof NumericalException) {
      return NUMERICAL_FAILURE;
    }
    if (exception instanceof NativeEngineException || !(exception instanceof BondException)) {
      return INTERNAL_ERROR;
    }
    return INVALID_INPUT;
  }

  /** The one line that reports {@code exception}: its message, or its type for a bug. */
  static String describe(Throwable exception) {
    String message = exception.getMessage() == null ? "" : exception.getMessage().strip();
    String line = exception instanceof BondException ? message
        : "internal error: " + exception.getClass().getName()
            + (message.isEmpty() ? "" : ": " + message);
    return line.replaceAll("\\s*\\R\\s*", " ");
  }

  /** The configured command line, for embedding and tests. */
  public static CommandLine commandLine() {
    BondCommand root = new BondCommand();
    CommandLine line = new CommandLine(root);
    line.setExecutionExceptionHandler((exception, failed, parsed) -> {
      boolean verbose = parsed.matchedOptionValue("--verbose", false)
          || parsed.subcommands().stream().anyMatch(p -> p.matchedOptionValue("--verbose", false));
      failed.getErr().println("bond: " + describe(exception));
      if (verbose) {
        exception.printStackTrace(failed.getErr());
      }
      return exitStatus(exception);
    });
    return line;
  }
}
