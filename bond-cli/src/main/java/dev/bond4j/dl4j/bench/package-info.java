/** The dl4j backend's benchmark program: J-BOND steps of a fresh model timed on ND4J SameDiff. */
package dev.bond4j.dl4j.bench;
