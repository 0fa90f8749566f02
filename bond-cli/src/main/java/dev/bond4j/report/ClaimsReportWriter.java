package dev.bond4j.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bond4j.BondException;
import dev.bond4j.paper.ClaimResult;
import dev.bond4j.paper.ClaimsReport;
import dev.bond4j.paper.Figure;
import dev.bond4j.paper.SeedStatistic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link ClaimsReport} into a directory: {@code claims.json} (the settings, the seeds, and
 * per claim and study its verdict, statement, criterion, plot files and every statistic with its
 * per-seed values, mean and 95% confidence interval), one PNG per figure, and {@code report.md}
 * for people.
 */
public final class ClaimsReportWriter {
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final FigureRenderer renderer = new FigureRenderer();

  /** Writes the report under {@code directory}, creating it; returns the {@code claims.json}. */
  public Path write(ClaimsReport report, Path directory) {
    try {
      Files.createDirectories(directory);
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("settings", report.settings());
      root.put("seeds", report.settings().seedList());
      root.put("seconds", report.seconds());
      List<String> shared = new ArrayList<>();
      for (Figure figure : report.plots()) {
        shared.add(renderer.render(figure, directory).getFileName().toString());
      }
      root.put("plots", shared);
      StringBuilder markdown = new StringBuilder("# BOND claims on the exact testbed\n\n")
          .append(String.format("%d steps per fixed-length run, evaluated every %d; learning rate"
              + " %s; batch %d; seeds %d-%d; level-off runs capped at %d steps; %.1f s.%n%n"
              + "Every statistic is signed so that the claim's direction is positive; a claim holds"
              + " when every tested statistic meets its requirement (95%% CI of the mean over"
              + " seeds above 0, or every seed above 0). Reference curves: %s.%n%n",
              report.settings().steps(), report.settings().evalEvery(),
              report.settings().learningRate(), report.settings().batchSize(),
              report.settings().firstSeed(),
              report.settings().firstSeed() + report.settings().seeds() - 1,
              report.settings().maxSteps(), report.seconds(), String.join(", ", shared)));
      root.put("claims", section(report.claims(), directory, markdown, true));
      root.put("studies", section(report.studies(), directory, markdown, false));
      Path claimsFile = directory.resolve("claims.json");
      json.writeValue(claimsFile.toFile(), root);
      Files.writeString(directory.resolve("report.md"), markdown);
      return claimsFile;
    } catch (IOException e) {
      throw new BondException("Cannot write the claims report to " + directory + ": "
          + e.getMessage(), e);
    }
  }

  private List<Map<String, Object>> section(List<ClaimResult> results, Path directory,
      StringBuilder markdown, boolean verdicts) {
    List<Map<String, Object>> entries = new ArrayList<>();
    for (ClaimResult claim : results) {
      List<String> plots = new ArrayList<>();
      for (Figure figure : claim.plots()) {
        plots.add(renderer.render(figure, directory).getFileName().toString());
      }
      List<Map<String, Object>> statistics = new ArrayList<>();
      for (SeedStatistic s : claim.statistics()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", s.name());
        entry.put("requirement", s.requirement().description());
        entry.put("holds", s.holds());
        entry.put("values", s.values());
        entry.put("mean", s.mean());
        entry.put("ci95", new double[] {s.low(), s.high()});
        statistics.add(entry);
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("id", claim.id());
      if (verdicts) {
        entry.put("holds", claim.holds());
      }
      entry.put("statement", claim.statement());
      entry.put("criterion", claim.criterion());
      entry.put("plots", plots);
      entry.put("statistics", statistics);
      entries.add(entry);
      markdown.append("## ").append(claim.id());
      if (verdicts) {
        markdown.append(claim.holds() ? " holds" : " does NOT hold");
      }
      markdown.append("\n\n").append(claim.statement()).append("\n\n*Criterion:* ")
          .append(claim.criterion()).append("\n\nPlots: ").append(String.join(", ", plots))
          .append("\n\n| statistic | requirement | mean | 95% CI | per seed |\n")
          .append("|---|---|---|---|---|\n");
      for (SeedStatistic s : claim.statistics()) {
        markdown.append(String.format("| %s | %s%s | %.4g | [%.4g, %.4g] | %s |%n", s.name(),
            s.requirement().description(), s.holds() ? "" : " **fails**", s.mean(), s.low(),
            s.high(), values(s.values())));
      }
      markdown.append('\n');
    }
    return entries;
  }

  private static String values(double[] values) {
    List<String> out = new ArrayList<>();
    for (double v : values) {
      out.add(String.format("%.4g", v));
    }
    return String.join(", ", out);
  }
}
