/**
 * The backend conformance suite: {@link dev.bond4j.tck.PolicyContract}, written once against the
 * backend-neutral API, and {@link dev.bond4j.tck.PolicyBackend}, what a backend supplies to run
 * it. A backend's test extends the contract; the exact testbed passes it as the reference.
 */
package dev.bond4j.tck;
