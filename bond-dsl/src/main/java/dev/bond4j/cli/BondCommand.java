package dev.bond4j.cli;

import dev.bond4j.BondException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code bond} command line: one subcommand per job. Errors in the user's input are printed
 * as one line naming what is wrong, with a non-zero exit status; {@code --verbose} adds the stack
 * trace.
 */
@Command(name = "bond", mixinStandardHelpOptions = true, version = "bond4j 0.1.0",
    description = "Best-of-N Distillation (BOND, J-BOND) for the JVM.",
    subcommands = {DemoCommand.class, TrainCommand.class, SampleCommand.class,
        EvalCommand.class, BenchCommand.class, PaperCommand.class, InitCommand.class, CommandLine.HelpCommand.class})
public final class BondCommand implements java.util.concurrent.Callable<Integer> {
  /** Exit status for input the library rejected. */
  public static final int INVALID_INPUT = 2;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  private boolean verbose;

  /** With no subcommand, {@code bond} runs the demo. */
  @Override
  public Integer call() {
    return spec.commandLine().getSubcommands().get("demo").execute();
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for embedding and tests. */
  public static CommandLine commandLine() {
    BondCommand root = new BondCommand();
    CommandLine line = new CommandLine(root);
    line.setExecutionExceptionHandler((exception, failed, parsed) -> {
      boolean verbose = parsed.matchedOptionValue("--verbose", false)
          || parsed.subcommands().stream().anyMatch(p -> p.matchedOptionValue("--verbose", false));
      failed.getErr().println("bond: " + exception.getMessage());
      if (verbose) {
        exception.printStackTrace(failed.getErr());
      }
      return exception instanceof BondException ? INVALID_INPUT : 1;
    });
    return line;
  }
}
