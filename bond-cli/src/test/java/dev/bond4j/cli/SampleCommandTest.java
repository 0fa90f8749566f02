package dev.bond4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bond sample} refuses counts and lengths it cannot serve, at once, with exit status 2. */
class SampleCommandTest {
  private record Run(int status, String out, String err) {}

  private static Run sample(String... extra) {
    CommandLine line = BondCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    String[] args = new String[7 + extra.length];
    System.arraycopy(new String[] {"sample", "--backend", "fake", "--policy", "model",
        "--tokenizer", "byte"}, 0, args, 0, 7);
    System.arraycopy(extra, 0, args, 7, extra.length);
    return new Run(line.execute(args), out.toString(), err.toString());
  }

  @Test
  void aValidRequestSamples() {
    Run run = sample("--prompt", "a", "-n", "2", "--max-new-tokens", "3");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out().lines()).hasSize(2);
  }

  @Test
  void noOrNegativeSamplesAreRefused() {
    for (String n : new String[] {"0", "-1"}) {
      Run run = sample("--prompt", "a", "-n", n, "--max-new-tokens", "3");
      assertThat(run.status()).isEqualTo(BondCommand.INVALID_INPUT);
      assertThat(run.err()).contains("--samples = " + n + " (expected a number of completions"
          + " >= 1)");
    }
  }

  @Test
  void moreSamplesThanTheHeapHoldsAreRefusedWithBothFigures() {
    Run run = sample("--prompt", "a", "-n", "2000000000", "--max-new-tokens", "3");
    assertThat(run.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(run.err().lines()).singleElement().asString()
        .contains("--samples = 2000000000").contains("of Java heap, the JVM allows");
  }

  @Test
  void tooManyThreadsAndTooLongCompletionsAreRefused() {
    Run threads = sample("--prompt", "a", "--threads", "100000", "--max-new-tokens", "3");
    assertThat(threads.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(threads.err()).contains("threads = 100000 (expected an integer in [1, ");
    Run longer = sample("--prompt", "a", "--max-new-tokens", "12");
    assertThat(longer.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(longer.err()).contains("--max-new-tokens = 12 (expected at most 3: the policy's"
        + " context of 4 tokens minus the longest prompt's 1)");
  }
}
