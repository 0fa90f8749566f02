/**
 * A user-written toy backend ({@link dev.bond4j.examples.toy.ToyPolicy}) that the example test
 * holds to bond-testkit's backend conformance suite.
 */
package dev.bond4j.examples.toy;
