package dev.bond4j.report;

import dev.bond4j.BondException;
import dev.bond4j.paper.Figure;
import dev.bond4j.paper.Panel;
import dev.bond4j.paper.Series;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Renders a {@link Figure} to a PNG file with XChart: one chart per panel, side by side, with
 * titles, labelled axes and a legend. Runs headless.
 */
public final class FigureRenderer {
  private static final int PANEL_WIDTH = 640;
  private static final int PANEL_HEIGHT = 480;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** Writes {@code figure} to {@code directory/<id>.png} and returns the file. */
  public Path render(Figure figure, Path directory) {
    List<XYChart> charts = new ArrayList<>();
    for (Panel panel : figure.panels()) {
      charts.add(chart(panel));
    }
    Path file = directory.resolve(figure.id() + ".png");
    try {
      BitmapEncoder.saveBitmap(charts, 1, charts.size(), file.toString(),
          BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new BondException("Cannot write the plot " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  /** One chart for one panel. */
  public static XYChart chart(Panel panel) {
    XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT)
        .title(panel.title()).xAxisTitle(panel.xLabel()).yAxisTitle(panel.yLabel()).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    chart.getStyler().setLegendBackgroundColor(new Color(255, 255, 255, 200));
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesVisible(true);
    for (Series series : panel.series()) {
      XYSeries line = chart.addSeries(series.name(), series.x(), series.y());
      if (series.markersOnly()) {
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        line.setMarker(SeriesMarkers.CIRCLE);
      } else {
        line.setMarker(SeriesMarkers.NONE);
      }
    }
    return chart;
  }
}
