/** Run configuration files (YAML or JSON) for {@code bond train}, read strictly onto the validated settings types, with prompt files and tokenizer choices. */
package dev.bond4j.config;
