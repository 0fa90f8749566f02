/**
 * Immutable value types: token sequences, prompts, completions with per-token log-probabilities,
 * rollouts, weighted sequences, sampling and optimizer settings, update results and step reports.
 * Builders validate every field and report all problems at once.
 */
@BondStyle
package dev.bond4j.value;
