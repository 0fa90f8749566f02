/** The Jeffreys family of divergences that BOND minimises (SPEC S5). */
package dev.bond4j.divergence;
