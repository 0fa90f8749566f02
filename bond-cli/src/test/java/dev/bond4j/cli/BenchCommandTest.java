package dev.bond4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bond bench} refuses counts that leave nothing to time, with exit status 2. */
class BenchCommandTest {
  @Test
  void zeroStepsIsAnInputError() {
    CommandLine line = BondCommand.commandLine();
    StringWriter err = new StringWriter();
    line.setErr(new PrintWriter(err));
    int status = line.execute("bench", "--backend", "fake", "--steps", "0", "--warmup", "-1");
    assertThat(status).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(err.toString().lines()).containsExactly("bond: Invalid bench: --steps = 0"
        + " (expected an integer >= 1); --warmup = -1 (expected an integer >= 0)");
  }
}
