package dev.bond4j.paper;

import java.util.List;

/**
 * All claims of the paper checked on the exact testbed.
 *
 * @param settings the settings of the run
 * @param claims one result per claim, C1 to C7
 * @param seconds wall time of the whole report
 */
public record ClaimsReport(PaperSettings settings, List<ClaimResult> claims, double seconds) {}
