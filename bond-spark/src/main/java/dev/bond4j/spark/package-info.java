/**
 * bond4j on Apache Spark: Best-of-N dataset generation ({@link dev.bond4j.spark.BestOfNGeneration}),
 * distributed evaluation ({@link dev.bond4j.spark.DistributedEvaluation}) and J-BOND rollouts on
 * executors ({@link dev.bond4j.spark.SparkRollouts}). Models travel to executors as
 * content-addressed bytes ({@link dev.bond4j.spark.ShippedFolder}) and are loaded once per
 * executor JVM ({@link dev.bond4j.spark.ExecutorCache}); every prompt's randomness comes from the
 * run seed and the prompt's index, so results do not depend on partitioning or task retries.
 */
package dev.bond4j.spark;
