/**
 * The engine-neutral benchmark harness the backends' benchmark programs share: integer options
 * with one-line errors, the J-BOND step timing loop, medians, the GEMM rate and the JSON line.
 * Each backend supplies only what is engine-specific (the policy, one matrix product, the
 * engine's name).
 */
package dev.bond4j.decoder.bench;
