/**
 * The DJL backend: decoder policies (GPT-2 and the Llama family) on DJL's PyTorch engine.
 * {@link dev.bond4j.djl.DjlPolicy} trains (KV-cache sampling, sequence log-probabilities, weighted AdamW steps, checkpoints), {@link
 * dev.bond4j.djl.DjlSnapshot} is a frozen reference or EMA anchor, {@link
 * dev.bond4j.djl.DecoderConfig} and {@link dev.bond4j.djl.SafeTensors} read and write HuggingFace's
 * {@code config.json} and {@code model.safetensors}, {@link dev.bond4j.djl.HfTokenizer} reads
 * {@code tokenizer.json}. The engine runs offline with an explicit thread count.
 */
package dev.bond4j.djl;
