/**
 * bond4j: Best-of-N Distillation (BOND and J-BOND) for the JVM.
 *
 * <p>The root package holds the exception hierarchy; the mathematics of the paper lives in
 * {@link dev.bond4j.math}, value types in {@link dev.bond4j.value}, the backend contract in {@link
 * dev.bond4j.model}, and the exact enumerable reference backend in {@link dev.bond4j.testbed}.
 */
package dev.bond4j;
