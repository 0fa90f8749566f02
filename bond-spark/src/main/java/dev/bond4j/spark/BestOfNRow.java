package dev.bond4j.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One prompt of a Best-of-N dataset: its N candidates and the Best-of-N pick.
 *
 * @param promptIndex the prompt's position in the input, from 0
 * @param promptId the prompt's identifier
 * @param promptText the prompt's text
 * @param candidates the N completions, in sampling order
 * @param best the index in {@code candidates} of the Best-of-N pick under the tie rule
 */
public record BestOfNRow(long promptIndex, String promptId, String promptText,
    List<Candidate> candidates, int best) implements Serializable {
  /** The Best-of-N pick. */
  public Candidate bestCandidate() {
    return candidates.get(best);
  }
}
