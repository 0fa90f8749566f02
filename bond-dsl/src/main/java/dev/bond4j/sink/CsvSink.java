package dev.bond4j.sink;

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
 * per step (an empty cell where a step lacks a key), flushed at every row.
 */
public final class CsvSink implements TrainingListener, Closeable {
  private final BufferedWriter writer;
  private final Path file;
  private List<String> columns;

  /** Creates or truncates {@code file}. */
  public CsvSink(Path file) {
    this(file, false);
  }

  /**
   * Writes to {@code file}; when {@code append} (a resumed run) and the file has a header, rows
   * continue under that header.
   */
  public CsvSink(Path file, boolean append) {
    this.file = file;
    if (append) {
      try {
        if (java.nio.file.Files.size(file) > 0) {
          String header = java.nio.file.Files.readAllLines(file).get(0);
          columns = new ArrayList<>(List.of(header.split(",")).subList(1,
              header.split(",").length));
        }
      } catch (java.io.IOException e) {
        columns = null;
      }
    }
    this.writer = SinkFiles.open(file, append);
  }

  @Override
  public void onStep(StepReport report) {
    if (columns == null) {
      columns = new ArrayList<>(report.metrics().keySet());
      SinkFiles.writeLine(writer, file, "step," + String.join(",", columns));
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

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
