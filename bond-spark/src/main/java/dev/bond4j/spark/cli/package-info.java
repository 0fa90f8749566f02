/** The {@code bond-spark} command line: {@code generate} and {@code eval}. */
package dev.bond4j.spark.cli;
