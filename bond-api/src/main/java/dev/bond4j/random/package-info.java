/** Reproducible randomness: one run seed split into named, step-indexed streams. */
package dev.bond4j.random;
