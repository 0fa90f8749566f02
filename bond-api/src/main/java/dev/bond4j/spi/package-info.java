/** The service interface through which backends are found by name. */
package dev.bond4j.spi;
