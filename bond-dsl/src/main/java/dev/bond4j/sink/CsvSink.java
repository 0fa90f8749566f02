package dev.bond4j.sink;

import dev.bond4j.algorithm.RunProvenance;
import dev.bond4j.algorithm.TrainingListener;
import dev.bond4j.value.StepReport;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the metrics as CSV: a header of {@code step} and the first report's keys, then one row
 * per step (an empty cell where a step lacks a key), flushed at every row. A key first reported
 * after the header was written (such as {@code kl/ref} when the reference is scored only every
 * few steps) becomes a new last column: the header is rewritten and the rows before it get an
 * empty cell. Above the header, a
 * comment line {@code # provenance {...}} holds the run's {@link RunProvenance}, written when the
 * trainer starts.
 */
public final class CsvSink implements TrainingListener, Closeable {
  /** The first characters of the provenance line. */
  public static final String PROVENANCE_PREFIX = "# provenance ";

  private BufferedWriter writer;
  private final Path file;
  private List<String> columns;

  /** Creates or truncates {@code file}. */
  public CsvSink(Path file) {
    this(file, 0);
  }

  /**
   * Writes to {@code file}, keeping its header and its rows of steps up to {@code resumedStep} (a
   * run resumed after that step) and dropping the rest; rows continue under the kept header.
   */
  public CsvSink(Path file, long resumedStep) {
    this.file = file;
    String[] header = {null};
    this.writer = SinkFiles.openAfter(file, line -> {
      if (resumedStep >= 1 && line.startsWith(PROVENANCE_PREFIX)) {
        return true;
      }
      if (resumedStep >= 1 && header[0] == null && line.startsWith("step,")) {
        header[0] = line;
        return true;
      }
      long step = SinkFiles.stepOf(line, "");
      return header[0] != null && step >= 1 && step <= resumedStep
          && line.split(",", -1).length == header[0].split(",", -1).length;
    });
    if (header[0] != null) {
      String[] names = header[0].split(",");
      columns = new ArrayList<>(List.of(names).subList(1, names.length));
    }
  }

  /** Writes {@code # provenance {...}} at the head of the file, replacing an earlier one. */
  @Override
  public void onStart(RunProvenance provenance) {
    writer = SinkFiles.withHeader(writer, file, PROVENANCE_PREFIX + provenance.toJson(),
        line -> line.startsWith(PROVENANCE_PREFIX));
  }

  @Override
  public void onStep(StepReport report) {
    if (columns == null) {
      columns = new ArrayList<>(report.metrics().keySet());
      SinkFiles.writeLine(writer, file, "step," + String.join(",", columns));
    } else {
      addColumns(report);
    }
    StringBuilder row = new StringBuilder().append(report.step());
    for (String column : columns) {
      row.append(',');
      Double value = report.metrics().get(column);
      if (value != null) {
        row.append(value);
      }
    }
    SinkFiles.writeLine(writer, file, row.toString());
  }

  /** Appends the report's keys that have no column yet, rewriting the lines written so far. */
  private void addColumns(StepReport report) {
    List<String> added = report.metrics().keySet().stream()
        .filter(key -> !columns.contains(key)).toList();
    if (added.isEmpty()) {
      return;
    }
    String oldHeader = "step," + String.join(",", columns);
    columns.addAll(added);
    String header = "step," + String.join(",", columns);
    String padding = ",".repeat(added.size());
    writer = SinkFiles.rewrite(writer, file, line -> {
      if (line.equals(oldHeader)) {
        return header;
      }
      return SinkFiles.stepOf(line, "") >= 1 ? line + padding : line;
    });
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
