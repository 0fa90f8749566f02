package dev.bond4j.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bond4j.BondException;
import dev.bond4j.algorithm.TrainingListener;
import dev.bond4j.value.StepReport;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes one JSON object per step ({@code {"step": 1, "reward/mean": ...}}) to a file, flushed at
 * every line so that a crash loses nothing already reported.
 */
public final class JsonlSink implements TrainingListener, Closeable {
  private final ObjectMapper json = new ObjectMapper();
  private final BufferedWriter writer;
  private final Path file;

  /** Creates or truncates {@code file}. */
  public JsonlSink(Path file) {
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
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("step", report.step());
    row.putAll(report.metrics());
    try {
      writer.write(json.writeValueAsString(row));
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
