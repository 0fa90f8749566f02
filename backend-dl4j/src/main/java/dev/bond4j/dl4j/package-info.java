/**
 * The Deeplearning4j backend: a trainable GPT-2-family policy on ND4J SameDiff, found through
 * {@link java.util.ServiceLoader} under the name {@code dl4j}.
 */
package dev.bond4j.dl4j;
