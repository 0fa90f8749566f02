/**
 * bond4j's testkit, for tests (use it in test scope): jqwik arbitraries of Best-of-N inputs and
 * of the exact testbed ({@link dev.bond4j.testkit.BestOfNArbitraries}, {@link
 * dev.bond4j.testkit.TestbedArbitraries}) and AssertJ assertions against the exact law ({@link
 * dev.bond4j.testkit.BondAssertions}). The backend conformance suite is in {@link
 * dev.bond4j.tck}.
 */
package dev.bond4j.testkit;
