/** The fluent API: {@code Bond.jbond()...build()} validates every setting at once and builds a {@link dev.bond4j.dsl.BondRun}. */
package dev.bond4j.dsl;
