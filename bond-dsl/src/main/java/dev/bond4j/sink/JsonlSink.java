package dev.bond4j.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bond4j.BondException;
import dev.bond4j.algorithm.RunProvenance;
import dev.bond4j.algorithm.TrainingListener;
import dev.bond4j.value.StepReport;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes one JSON object per step ({@code {"step": 1, "reward/mean": ...}}) to a file, flushed at
 * every line so that a crash loses nothing already reported. The first line is the run's
 * provenance, {@code {"provenance": {...}}} (see {@link RunProvenance}), written when the trainer
 * starts.
 */
public final class JsonlSink implements TrainingListener, Closeable {
  private final ObjectMapper json = new ObjectMapper();
  /** The first characters of the provenance line. */
  public static final String PROVENANCE_PREFIX = "{\"provenance\":";

  private BufferedWriter writer;
  private final Path file;

  /** Creates or truncates {@code file}. */
  public JsonlSink(Path file) {
    this(file, 0);
  }

  /**
   * Writes to {@code file}, keeping its complete rows of steps up to {@code resumedStep} (a run
   * resumed after that step) and dropping the rest, so no step is written twice.
   */
  public JsonlSink(Path file, long resumedStep) {
    this.file = file;
    this.writer = SinkFiles.openAfter(file, line -> {
      long step = SinkFiles.stepOf(line, "{\"step\":");
      return (step >= 1 && step <= resumedStep && line.endsWith("}"))
          || (resumedStep >= 1 && isProvenance(line));
    });
  }

  /** Writes {@code {"provenance": {...}}} at the head of the file, replacing an earlier one. */
  @Override
  public void onStart(RunProvenance provenance) {
    writer = SinkFiles.withHeader(writer, file, PROVENANCE_PREFIX + provenance.toJson() + "}",
        JsonlSink::isProvenance);
  }

  private static boolean isProvenance(String line) {
    return line.startsWith(PROVENANCE_PREFIX) && line.endsWith("}");
  }

  @Override
  public void onStep(StepReport report) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("step", report.step());
    row.putAll(report.metrics());
    try {
      SinkFiles.writeLine(writer, file, json.writeValueAsString(row));
    } catch (JsonProcessingException e) {
      throw new BondException("Cannot encode the metrics of step " + report.step(), e);
    }
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
