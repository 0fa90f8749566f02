package dev.bond4j.sink;

import dev.bond4j.algorithm.Metrics;
import dev.bond4j.algorithm.TrainingListener;
import dev.bond4j.value.StepReport;
import java.io.PrintWriter;

/**
 * A one-line console progress bar with the key figures of the latest step: reward, KL from the
 * reference, and steps per second. It redraws in place on a terminal and prints a line every
 * tenth of the run elsewhere (logs, CI).
 */
public final class ProgressBar implements TrainingListener {
  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final String label;
  private final long total;
  private final boolean interactive;
  private final long start = System.nanoTime();

  /**
   * A bar for {@code total} steps labelled {@code label}, drawn on {@code out}.
   *
   * @param interactive redraw in place (a terminal) rather than print lines
   */
  public ProgressBar(PrintWriter out, String label, long total, boolean interactive) {
    this.out = out;
    this.label = label;
    this.total = total;
    this.interactive = interactive;
  }

  @Override
  public void onStep(StepReport report) {
    long step = report.step();
    boolean last = step >= total;
    if (!interactive && !last && step % Math.max(1, total / 10) != 0) {
      return;
    }
    int filled = (int) Math.min(WIDTH, WIDTH * step / Math.max(1, total));
    double seconds = (System.nanoTime() - start) / 1e9;
    String line = String.format("%-14s [%s%s] %4d/%d  reward %7.3f  kl %6.3f  %5.1f steps/s",
        label, "#".repeat(filled), " ".repeat(WIDTH - filled), step, total,
        report.metric(Metrics.REWARD_MEAN).orElse(Double.NaN),
        report.metric(Metrics.KL_REF).orElse(Double.NaN), step / Math.max(seconds, 1e-9));
    if (interactive) {
      out.print('\r' + line + (last ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }
}
