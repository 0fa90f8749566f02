package dev.bond4j.sink;

import dev.bond4j.BondException;
import dev.bond4j.algorithm.TrainingListener;
import dev.bond4j.value.StepReport;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
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
    this.file = file;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      this.writer = Files.newBufferedWriter(file);
    } catch (IOException e) {
      throw new BondException("Cannot open the metrics file " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void onStep(StepReport report) {
    try {
      if (columns == null) {
        columns = new ArrayList<>(report.metrics().keySet());
        writer.write("step," + String.join(",", columns));
        writer.newLine();
      }
      StringBuilder row = new StringBuilder().append(report.step());
      for (String column : columns) {
        row.append(',');
        Double value = report.metrics().get(column);
        if (value != null) {
          row.append(value);
        }
      }
      writer.write(row.toString());
      writer.newLine();
      writer.flush();
    } catch (IOException e) {
      throw new BondException("Cannot write to the metrics file " + file + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
