/**
 * Immutable value types: token sequences, prompts, completions with per-token log-probabilities,
 * rollouts, weighted sequences, sampling and optimizer settings, update results and step reports,
 * and {@link dev.bond4j.value.ValueSchema}, the settings of a value type read from the type.
 * Builders validate every field and report all problems at once.
 */
@BondStyle
package dev.bond4j.value;
