/**
 * User-written code that the example tests property-test with bond-testkit: a Best-of-N selector
 * ({@link dev.bond4j.examples.testing.RerankSelector}) and a reward ({@link
 * dev.bond4j.examples.testing.LikedTokenReward}).
 */
package dev.bond4j.examples.testing;
