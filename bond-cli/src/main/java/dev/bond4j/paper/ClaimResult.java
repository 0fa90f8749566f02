package dev.bond4j.paper;

import java.util.List;

/**
 * The verdict on one claim of the paper (SPEC S11), over all seeds, with the numbers compared.
 *
 * @param id {@code C1} to {@code C7}
 * @param statement what the paper claims
 * @param criterion the test applied, fixed before the run
 * @param holds whether every statistic the verdict depends on meets its requirement
 * @param statistics per-seed values, mean and 95% interval of everything measured
 * @param plots the figures mirroring the paper's (first seed, with the reference curves)
 */
public record ClaimResult(String id, String statement, String criterion, boolean holds,
    List<SeedStatistic> statistics, List<Figure> plots) {}
