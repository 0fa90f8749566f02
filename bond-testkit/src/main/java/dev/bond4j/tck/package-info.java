/**
 * The backend conformance suite, a public contract. A backend author implements one factory,
 * {@link dev.bond4j.tck.SamplingBackend} for a sampling-only backend or {@link
 * dev.bond4j.tck.PolicyBackend} for a trainable one, and extends {@link
 * dev.bond4j.tck.SamplingContract} or {@link dev.bond4j.tck.PolicyContract} with a test class
 * whose {@code backend()} returns it: every contract test then runs against the backend. {@link
 * dev.bond4j.tck.TabularBackend}, the exact testbed, is the reference that passes it.
 */
package dev.bond4j.tck;
