package dev.bond4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code bond bench} refuses counts that leave nothing to time, unknown precisions and backends
 * without a registered benchmark, with exit status 2.
 */
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

  @Test
  void aBackendWithoutABenchmarkOrAnUnknownPrecisionIsAnInputError() {
    assertThat(run("bench", "--backend", "fake")).singleElement().asString()
        .startsWith("bond: bench: --backend fake has no J-BOND benchmark on the class path");
    assertThat(run("bench", "--backend", "fake", "--precision", "fp16")).singleElement()
        .asString().contains("precision").contains("fp16").contains("\"bf16\"");
  }

  private static List<String> run(String... args) {
    CommandLine line = BondCommand.commandLine();
    StringWriter err = new StringWriter();
    line.setErr(new PrintWriter(err));
    assertThat(line.execute(args)).isEqualTo(BondCommand.INVALID_INPUT);
    return err.toString().lines().toList();
  }
}
