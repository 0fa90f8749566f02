/** Finding backends and reward providers by name through {@link java.util.ServiceLoader}. */
package dev.bond4j.backend;
