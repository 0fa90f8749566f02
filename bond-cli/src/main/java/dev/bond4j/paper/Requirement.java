package dev.bond4j.paper;

/**
 * What a per-seed statistic of a claim must show for the claim to hold. Differences are signed so
 * that the claim's direction is positive; no tolerance turns a tie into a pass.
 */
public enum Requirement {
  /** The 95% confidence interval of the mean over seeds lies strictly above 0. */
  INTERVAL_ABOVE_ZERO("95% CI of the mean > 0"),
  /** Every seed's value is above 0 (for exact or per-seed statistical tests). */
  EVERY_SEED_ABOVE_ZERO("every seed > 0"),
  /** Reported for context; not part of the verdict. */
  REPORTED("reported");

  private final String description;

  Requirement(String description) {
    this.description = description;
  }

  /** How the requirement reads in the report. */
  public String description() {
    return description;
  }
}
