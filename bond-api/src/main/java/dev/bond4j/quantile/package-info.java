/** Estimators of the reward quantile {@code p≤(y)} against a base policy (SPEC S4). */
package dev.bond4j.quantile;
