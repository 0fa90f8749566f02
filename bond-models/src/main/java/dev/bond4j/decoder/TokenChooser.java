package dev.bond4j.decoder;

import dev.bond4j.NumericalException;
import dev.bond4j.value.SamplingSettings;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws the next token from one row of next-token probabilities (the engine's softmax of the
 * logits at the sampling temperature) under top-k and top-p (SPEC S9), and reports its
 * log-probability under the distribution actually sampled. Sums are taken in double precision and
 * the row is renormalised, so float rounding in the engine's softmax does not bias the draw.
 * Truncation keeps ties at the cut in token-id order, like the exact testbed, so it is
 * deterministic. Drawing happens in Java with the caller's seeded generator, so a seed gives the
 * same tokens whatever the engine's thread count. Taking probabilities rather than logits spares
 * one {@code exp} per token id and row, which dominated sampling time in Java. A row that is not
 * a distribution (NaN, infinite, or all zero: the weights or logits went non-finite) raises a
 * {@link NumericalException}.
 */
public final class TokenChooser {
  private final SamplingSettings settings;
  private final int vocabularySize;
  private final Integer[] order;

  /** A chooser for rows of {@code vocabularySize} probabilities under {@code settings}. */
  public TokenChooser(SamplingSettings settings, int vocabularySize) {
    this.settings = settings;
    this.vocabularySize = vocabularySize;
    this.order = settings.topK() == 0 && settings.topP() >= 1.0 ? null
        : new Integer[vocabularySize];
  }

  /** The chosen token and its log-probability. */
  public record Choice(int token, double logProb) {}

  /**
   * Chooses a token from {@code probabilities[offset, offset + V)}.
   *
   * @param random the generator; exactly one {@code nextDouble} is drawn
   */
  public Choice choose(float[] probabilities, int offset, SplittableRandom random) {
    double total = 0;
    for (int i = 0; i < vocabularySize; i++) {
      total += probabilities[offset + i];
    }
    if (!(total > 0) || Double.isInfinite(total)) {
      throw new NumericalException("The next-token probabilities sum to " + total + " instead of"
          + " a positive finite number: the model's weights or logits are not finite (a"
          + " learning rate too high?), so no token can be drawn.");
    }
    double u = random.nextDouble();
    return order == null ? drawAll(probabilities, offset, u, total)
        : drawTruncated(probabilities, offset, u, total);
  }

  private Choice drawAll(float[] p, int offset, double u, double total) {
    double threshold = u * total;
    double cumulative = 0;
    int chosen = -1;
    for (int i = 0; i < vocabularySize; i++) {
      if (p[offset + i] > 0) {
        chosen = i;
        cumulative += p[offset + i];
        if (threshold < cumulative) {
          break;
        }
      }
    }
    return new Choice(chosen, logOf(p[offset + chosen], total));
  }

  private Choice drawTruncated(float[] p, int offset, double u, double total) {
    for (int i = 0; i < vocabularySize; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> {
      int byProbability = Float.compare(p[offset + b], p[offset + a]);
      return byProbability != 0 ? byProbability : Integer.compare(a, b);
    });
    int keep = settings.topK() == 0 ? vocabularySize : Math.min(settings.topK(), vocabularySize);
    double kept = 0;
    for (int r = 0; r < keep; r++) {
      kept += p[offset + order[r]];
      if (settings.topP() < 1.0 && kept >= settings.topP() * total) {
        keep = r + 1;
        break;
      }
    }
    double threshold = u * kept;
    double cumulative = 0;
    int chosen = order[0];
    for (int r = 0; r < keep; r++) {
      float probability = p[offset + order[r]];
      if (probability > 0) {
        chosen = order[r];
        cumulative += probability;
        if (threshold < cumulative) {
          break;
        }
      }
    }
    return new Choice(chosen, logOf(p[offset + chosen], kept));
  }

  private static double logOf(float probability, double total) {
    return Math.min(0.0, Math.log(probability / total));
  }
}
