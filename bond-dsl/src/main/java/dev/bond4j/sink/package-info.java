/** Training listeners that write metrics: JSONL, CSV (each headed by the run's provenance) and a progress bar. */
package dev.bond4j.sink;
