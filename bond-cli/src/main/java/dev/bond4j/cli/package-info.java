/** The {@code bond} command line: one picocli subcommand per job, one-line errors and exit statuses that say whose an error is. */
package dev.bond4j.cli;
