package dev.bond4j.paper;

import java.util.List;
import java.util.Map;

/**
 * The verdict on one claim of the paper (SPEC S11) with the numbers compared.
 *
 * @param id {@code C1} to {@code C7}
 * @param statement what the paper claims
 * @param criterion the test applied, fixed before the run
 * @param holds whether the claim holds on the testbed
 * @param figures the numbers compared, by name
 * @param plots the figures mirroring the paper's
 */
public record ClaimResult(String id, String statement, String criterion, boolean holds,
    Map<String, Object> figures, List<Figure> plots) {}
