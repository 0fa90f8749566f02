package dev.bond4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.BondException;
import dev.bond4j.NativeEngineException;
import dev.bond4j.NumericalException;
import dev.bond4j.Problems;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Exit status 2 only for rejected input, 3 for numerical failures, 1 for engine failures and bugs;
 * always one line, the stack trace only with {@code --verbose}.
 */
class ExitStatusTest {
  /** A subcommand that fails with the exception it is given. */
  @Command(name = "fail")
  static final class Fail implements Callable<Integer> {
    private final RuntimeException exception;

    Fail(RuntimeException exception) {
      this.exception = exception;
    }

    @Override
    public Integer call() {
      throw exception;
    }
  }

  private record Outcome(int status, String err) {}

  private static Outcome run(RuntimeException exception, String... extra) {
    CommandLine line = BondCommand.commandLine();
    line.addSubcommand("fail", new Fail(exception));
    StringWriter err = new StringWriter();
    line.setErr(new PrintWriter(err));
    String[] args = new String[extra.length + 1];
    args[0] = "fail";
    System.arraycopy(extra, 0, args, 1, extra.length);
    return new Outcome(line.execute(args), err.toString());
  }

  private static RuntimeException invalid() {
    try {
      Problems.require(false, "batchSize", 0, "an integer >= 1");
      throw new AssertionError();
    } catch (RuntimeException e) {
      return e;
    }
  }

  @Test
  void eachKindOfFailureHasItsStatusAndOneLine() {
    Outcome input = run(invalid());
    assertThat(input.status()).isEqualTo(2);
    assertThat(input.err()).isEqualTo(
        "bond: Invalid batchSize: batchSize = 0 (expected an integer >= 1)" + System.lineSeparator());
    Outcome file = run(new BondException("Cannot read x.json"));
    assertThat(file.status()).isEqualTo(BondCommand.INVALID_INPUT);
    Outcome numerical = run(new NumericalException("Step 3: the reward of sequence 1 is Infinity"));
    assertThat(numerical.status()).isEqualTo(BondCommand.NUMERICAL_FAILURE).isEqualTo(3);
    assertThat(numerical.err().lines()).containsExactly(
        "bond: Step 3: the reward of sequence 1 is Infinity");
    Outcome engine = run(new NativeEngineException("The PyTorch engine failed while sampling: boom",
        new IllegalStateException("boom")));
    assertThat(engine.status()).isEqualTo(BondCommand.INTERNAL_ERROR).isEqualTo(1);
    assertThat(engine.err().lines()).hasSize(1);
    Outcome bug = run(new ArrayIndexOutOfBoundsException("Index -1 out of bounds for length 3"));
    assertThat(bug.status()).isEqualTo(1);
    assertThat(bug.err().lines()).containsExactly("bond: internal error: "
        + "java.lang.ArrayIndexOutOfBoundsException: Index -1 out of bounds for length 3");
    Outcome multiLine = run(new BondException("first\n  second\r\nthird"));
    assertThat(multiLine.err().lines()).containsExactly("bond: first second third");
  }

  @Test
  void theStackTraceOnlyWithVerbose() {
    assertThat(run(new NullPointerException()).err()).doesNotContain("\tat ")
        .contains("internal error: java.lang.NullPointerException");
    assertThat(run(new NullPointerException(), "--verbose").err()).contains("\tat ");
  }
}
