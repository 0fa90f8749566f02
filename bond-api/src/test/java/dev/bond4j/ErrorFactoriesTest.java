package dev.bond4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The named error factories give the one-line messages the rest of the code relies on. */
class ErrorFactoriesTest {

  @Test
  void invalidNamesTheFieldTheValueAndWhatIsValid() {
    InvalidArgumentException e = Problems.invalid("tieRule", "sideways", "strict or uniform");
    assertThat(e).hasMessage("Invalid tieRule: tieRule = \"sideways\" (expected strict or uniform)");
    assertThat(e.problems()).containsExactly(
        new InvalidArgumentException.Problem("tieRule", "sideways", "strict or uniform"));
  }

  @Test
  void addRecordsProblemsFoundElsewhereInOrder() {
    InvalidArgumentException.Problem nested =
        new InvalidArgumentException.Problem("optimizer.beta1", 2.0, "a number in [0, 1)");
    Problems problems = Problems.of("run").check(true, "steps", 1, ">= 1").add(nested)
        .add("seed", "x", "an integer");
    assertThat(problems.isEmpty()).isFalse();
    assertThatThrownBy(problems::throwIfAny).isInstanceOfSatisfying(
        InvalidArgumentException.class, e -> assertThat(e.problems())
            .extracting(InvalidArgumentException.Problem::field)
            .isEqualTo(List.of("optimizer.beta1", "seed")));
  }

  @Test
  void engineFailuresAreEngineExceptionsThatKeepTheCause() {
    IllegalStateException cause = new IllegalStateException("out of memory");
    NativeEngineException failed = NativeEngineException.failed("ND4J", "updating", cause);
    assertThat(failed).isInstanceOf(BondException.class).hasCause(cause)
        .hasMessage("ND4J failed while updating: out of memory");
    assertThat(NativeEngineException.cannotStart("ND4J's native backend", cause))
        .hasMessageStartingWith("Cannot start ND4J's native backend: ").hasCause(cause);
    assertThat(NativeEngineException.cannotClose("the session of a.onnx", cause))
        .hasMessage("Cannot close the session of a.onnx: out of memory");
  }
}
