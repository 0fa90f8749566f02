/** Writing the claims report: {@code claims.json}, {@code report.md} and PNG figures. */
package dev.bond4j.report;
