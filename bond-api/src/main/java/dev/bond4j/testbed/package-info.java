/**
 * The exact testbed: a tabular autoregressive policy over an enumerable sequence space, trained
 * on exact gradients, with exact Best-of-N laws, divergences and quantiles. It is the reference
 * backend every engine is held against.
 */
package dev.bond4j.testbed;
