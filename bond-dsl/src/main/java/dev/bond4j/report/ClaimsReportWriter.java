package dev.bond4j.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bond4j.BondException;
import dev.bond4j.paper.ClaimResult;
import dev.bond4j.paper.ClaimsReport;
import dev.bond4j.paper.Figure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link ClaimsReport} into a directory: {@code claims.json} with one entry per claim
 * ({@code id}, {@code holds}, {@code figures}, the statement, the criterion and the plot files),
 * one PNG per figure of the paper, and a short {@code report.md} for people.
 */
public final class ClaimsReportWriter {
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final FigureRenderer renderer = new FigureRenderer();

  /** Writes the report under {@code directory}, creating it; returns the {@code claims.json}. */
  public Path write(ClaimsReport report, Path directory) {
    try {
      Files.createDirectories(directory);
      List<Map<String, Object>> entries = new ArrayList<>();
      StringBuilder markdown = new StringBuilder("# BOND claims on the exact testbed\n\n")
          .append(String.format("%d steps per run, evaluated every %d; learning rate %s;"
              + " batch %d; seed %d; %.1f s.%n%n", report.settings().steps(),
              report.settings().evalEvery(), report.settings().learningRate(),
              report.settings().batchSize(), report.settings().seed(), report.seconds()))
          .append("| claim | holds | criterion |\n|---|---|---|\n");
      for (ClaimResult claim : report.claims()) {
        List<String> plots = new ArrayList<>();
        for (Figure figure : claim.plots()) {
          plots.add(renderer.render(figure, directory).getFileName().toString());
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", claim.id());
        entry.put("holds", claim.holds());
        entry.put("figures", claim.figures());
        entry.put("statement", claim.statement());
        entry.put("criterion", claim.criterion());
        entry.put("plots", plots);
        entries.add(entry);
        markdown.append("| ").append(claim.id()).append(": ").append(claim.statement())
            .append(" | ").append(claim.holds() ? "yes" : "**no**").append(" | ")
            .append(claim.criterion()).append(" |\n");
      }
      Path claimsFile = directory.resolve("claims.json");
      json.writeValue(claimsFile.toFile(), entries);
      Files.writeString(directory.resolve("report.md"), markdown);
      return claimsFile;
    } catch (IOException e) {
      throw new BondException("Cannot write the claims report to " + directory + ": "
          + e.getMessage(), e);
    }
  }
}
