/** Statistics for seeded tests: the chi-square distribution and goodness of fit. */
package dev.bond4j.stats;
