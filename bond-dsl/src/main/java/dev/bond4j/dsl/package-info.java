/**
 * The fluent API: {@code Bond.jbond()...build()} validates every setting at once and builds a
 * {@link dev.bond4j.dsl.BondRun}. Each algorithm has its own builder and its own settings type (the
 * sealed {@link dev.bond4j.dsl.AlgorithmSettings} family), so a knob of another algorithm does not
 * compile.
 */
package dev.bond4j.dsl;
