/**
 * The exact mathematics of Best-of-N and BOND (SPEC S1-S3, S7.3, S10): the Best-of-N law in the
 * paper's form and the telescoping form, both tie rules, iteration, the continuous limit, the
 * BOND and J-BOND rewards, KL divergences and the effective N.
 */
package dev.bond4j.math;
