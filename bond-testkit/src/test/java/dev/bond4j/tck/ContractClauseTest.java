package dev.bond4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The conformance suite has teeth: a backend that breaks exactly one clause of the contract fails
 * exactly the test of that clause, and passes every other test.
 */
class ContractClauseTest {

  /** Snapshots that move with the policy. Not a test of its own: run by the tests below. */
  static final class MovingSnapshotSuite extends PolicyContract {
    @Override
    protected PolicyBackend backend() {
      return new BrokenTabularBackend(BrokenTabularBackend.Clause.SNAPSHOT_MOVES_WITH_THE_POLICY);
    }
  }

  /** Sampling that ignores the temperature. Not a test of its own: run by the tests below. */
  static final class IgnoredTemperatureSuite extends PolicyContract {
    @Override
    protected PolicyBackend backend() {
      return new BrokenTabularBackend(BrokenTabularBackend.Clause.SAMPLING_IGNORES_TEMPERATURE);
    }
  }

  /** Snapshots that keep their memory after close. Not a test of its own: run by the tests below. */
  static final class LeakingSnapshotSuite extends PolicyContract {
    @Override
    protected PolicyBackend backend() {
      return new BrokenTabularBackend(BrokenTabularBackend.Clause.SNAPSHOT_CLOSE_KEEPS_MEMORY);
    }
  }

  /** Test method name to its outcome (and failure message), for every test of {@code suite}. */
  private static Map<String, String> run(Class<?> suite) {
    Map<String, String> outcomes = new TreeMap<>();
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(suite)).filters(EngineFilter.includeEngines("junit-jupiter"))
        .build();
    LauncherFactory.create().execute(request, new TestExecutionListener() {
      @Override
      public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (test.getSource().orElse(null) instanceof MethodSource method) {
          outcomes.put(method.getMethodName(), result.getStatus() + result.getThrowable()
              .map(t -> ": " + t.getMessage()).orElse(""));
        }
      }
    });
    return outcomes;
  }

  private static List<String> failed(Map<String, String> outcomes) {
    List<String> out = new ArrayList<>();
    outcomes.forEach((test, outcome) -> {
      if (!outcome.startsWith("SUCCESSFUL")) {
        out.add(test);
      }
    });
    return out;
  }

  @Test
  void aSnapshotThatMovesWithThePolicyFailsOnlyTheFrozenCopyClause() {
    Map<String, String> outcomes = run(MovingSnapshotSuite.class);
    assertThat(outcomes).hasSizeGreaterThan(15);
    assertThat(failed(outcomes)).as("%s", outcomes).containsExactly("snapshotIsAFrozenCopy");
  }

  @Test
  void samplingThatIgnoresTheTemperatureFailsOnlyTheTruncatedSamplingClause() {
    Map<String, String> outcomes = run(IgnoredTemperatureSuite.class);
    assertThat(outcomes).hasSizeGreaterThan(15);
    assertThat(failed(outcomes)).as("%s", outcomes)
        .containsExactly("truncatedSamplingFollowsTemperatureTopKAndTopP");
    assertThat(outcomes.get("truncatedSamplingFollowsTemperatureTopKAndTopP"))
        .contains("reported log-probability");
  }

  @Test
  void aSnapshotThatKeepsItsMemoryAfterCloseFailsOnlyTheCloseAfterUseClause() {
    Map<String, String> outcomes = run(LeakingSnapshotSuite.class);
    assertThat(outcomes).hasSizeGreaterThan(15);
    assertThat(failed(outcomes)).as("%s", outcomes)
        .containsExactly("closingTheTrainerFreesItsAnchorAndClosingTheRestFreesEverything");
  }
}
