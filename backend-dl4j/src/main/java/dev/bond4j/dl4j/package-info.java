/**
 * The Deeplearning4j backend: a trainable decoder policy (GPT-2 or Llama family) on ND4J
 * SameDiff, found through {@link java.util.ServiceLoader} under the name {@code dl4j}.
 */
package dev.bond4j.dl4j;
