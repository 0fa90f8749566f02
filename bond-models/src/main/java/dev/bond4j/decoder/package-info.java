/**
 * Engine-neutral pieces the neural backends share, so that backends never depend on each other:
 * the safetensors format, GPT-2's {@code config.json} and parameter layout in HuggingFace names,
 * and the token chooser that every sampler uses (SPEC S9).
 */
package dev.bond4j.decoder;
