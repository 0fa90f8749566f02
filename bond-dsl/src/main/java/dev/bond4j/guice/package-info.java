/** Guice modules: the backend registry and the selected backend with its options. */
package dev.bond4j.guice;
