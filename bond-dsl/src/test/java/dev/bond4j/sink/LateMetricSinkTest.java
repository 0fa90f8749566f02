package dev.bond4j.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.value.StepReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A metric absent from some steps' reports ({@code kl/ref} with a reference cadence above 1) is
 * absent from those steps in both files: no key in the JSON line, an empty cell in the CSV row,
 * also when the first report lacks it; a resume keeps the rows written before the column came.
 */
class LateMetricSinkTest {
  /** The CSV of four steps with {@code kl/ref} on steps 2 and 4. */
  private static final String[] KL_ON_EVEN_STEPS = {"step,reward/mean,loss/total,kl/ref",
      "1,1.0,-1.0,", "2,2.0,-2.0,1.0", "3,3.0,-3.0,", "4,4.0,-4.0,2.0"};

  @TempDir
  Path dir;

  private static StepReport report(long step, boolean withKl) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("reward/mean", step * 1.0);
    if (withKl) {
      metrics.put("kl/ref", step * 0.5);
    }
    metrics.put("loss/total", -1.0 * step);
    return StepReport.builder().step(step).metrics(metrics).build();
  }

  @Test
  void aMetricFirstReportedLaterGetsAColumnAndEmptyCellsElsewhere() throws Exception {
    Path csv = dir.resolve("m.csv");
    Path jsonl = dir.resolve("m.jsonl");
    try (CsvSink c = new CsvSink(csv); JsonlSink j = new JsonlSink(jsonl)) {
      for (long step = 1; step <= 4; step++) {
        c.onStep(report(step, step % 2 == 0));
        j.onStep(report(step, step % 2 == 0));
      }
    }
    assertThat(Files.readAllLines(csv)).containsExactly(KL_ON_EVEN_STEPS);
    assertThat(Files.readAllLines(jsonl)).containsExactly(
        "{\"step\":1,\"reward/mean\":1.0,\"loss/total\":-1.0}",
        "{\"step\":2,\"reward/mean\":2.0,\"kl/ref\":1.0,\"loss/total\":-2.0}",
        "{\"step\":3,\"reward/mean\":3.0,\"loss/total\":-3.0}",
        "{\"step\":4,\"reward/mean\":4.0,\"kl/ref\":2.0,\"loss/total\":-4.0}");
    try (CsvSink resumed = new CsvSink(csv, 3)) {
      resumed.onStep(report(4, true));
    }
    assertThat(Files.readAllLines(csv)).containsExactly(KL_ON_EVEN_STEPS);
  }

  @Test
  void everyMetricInEveryReportKeepsTheFirstReportsColumns() throws Exception {
    Path csv = dir.resolve("a.csv");
    try (CsvSink c = new CsvSink(csv)) {
      c.onStep(report(1, true));
      c.onStep(report(2, false));
    }
    assertThat(Files.readAllLines(csv)).containsExactly(
        "step,reward/mean,kl/ref,loss/total", "1,1.0,0.5,-1.0", "2,2.0,,-2.0");
  }
}
