package dev.bond4j.models;

import dev.bond4j.value.SamplingSettings;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws the next token from one row of logits under temperature, top-k and top-p (SPEC S9), in
 * double precision, and reports its log-probability under the distribution actually sampled.
 * Truncation keeps ties at the cut in token-id order, like the exact testbed, so it is
 * deterministic. Drawing happens in Java with the caller's seeded generator, so a seed gives the
 * same tokens on every engine thread count.
 */
public final class TokenChooser {
  private final SamplingSettings settings;
  private final double[] logProbs;
  private final Integer[] order;

  /** A chooser for rows of {@code vocabularySize} logits under {@code settings}. */
  public TokenChooser(SamplingSettings settings, int vocabularySize) {
    this.settings = settings;
    this.logProbs = new double[vocabularySize];
    this.order = settings.isPlain() ? null : new Integer[vocabularySize];
  }

  /** The chosen token and its log-probability. */
  public record Choice(int token, double logProb) {}

  /**
   * Chooses a token from {@code logits[offset, offset + V)}.
   *
   * @param random the generator; exactly one {@code nextDouble} is drawn
   */
  public Choice choose(float[] logits, int offset, SplittableRandom random) {
    int v = logProbs.length;
    double inverseTemperature = 1 / settings.temperature();
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < v; i++) {
      max = Math.max(max, logits[offset + i] * inverseTemperature);
    }
    double sum = 0;
    for (int i = 0; i < v; i++) {
      sum += Math.exp(logits[offset + i] * inverseTemperature - max);
    }
    double logZ = max + Math.log(sum);
    for (int i = 0; i < v; i++) {
      logProbs[i] = logits[offset + i] * inverseTemperature - logZ;
    }
    double u = random.nextDouble();
    return order == null ? drawAll(u) : drawTruncated(u);
  }

  private Choice drawAll(double u) {
    double cumulative = 0;
    int last = -1;
    for (int i = 0; i < logProbs.length; i++) {
      double p = Math.exp(logProbs[i]);
      if (p > 0) {
        last = i;
        cumulative += p;
        if (u < cumulative) {
          return new Choice(i, logProbs[i]);
        }
      }
    }
    return new Choice(last, logProbs[last]);
  }

  private Choice drawTruncated(double u) {
    int v = logProbs.length;
    for (int i = 0; i < v; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> {
      int byProbability = Double.compare(logProbs[b], logProbs[a]);
      return byProbability != 0 ? byProbability : Integer.compare(a, b);
    });
    int keep = settings.topK() == 0 ? v : Math.min(settings.topK(), v);
    double kept = 0;
    for (int r = 0; r < keep; r++) {
      kept += Math.exp(logProbs[order[r]]);
      if (settings.topP() < 1.0 && kept >= settings.topP()) {
        keep = r + 1;
        break;
      }
    }
    double threshold = u * kept;
    double cumulative = 0;
    int chosen = order[keep - 1];
    for (int r = 0; r < keep; r++) {
      cumulative += Math.exp(logProbs[order[r]]);
      if (threshold < cumulative) {
        chosen = order[r];
        break;
      }
    }
    return new Choice(chosen, Math.min(0.0, logProbs[chosen] - Math.log(kept)));
  }
}
