package dev.bond4j.paper;

import java.util.List;

/**
 * All claims of the paper checked on the exact testbed over several seeds, and the studies run
 * beside them (learned quantile estimator, optimiser ablation).
 *
 * @param settings the settings of the run
 * @param claims one result per claim, C1 to C7
 * @param studies measurements without a verdict, same form as the claims
 * @param plots figures not tied to one claim (the reference curves of the first seed)
 * @param seconds wall time of the whole report
 */
public record ClaimsReport(PaperSettings settings, List<ClaimResult> claims,
    List<ClaimResult> studies, List<Figure> plots, double seconds) {}
