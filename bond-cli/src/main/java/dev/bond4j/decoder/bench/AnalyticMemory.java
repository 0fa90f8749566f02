package dev.bond4j.decoder.bench;

import dev.bond4j.decoder.DecoderConfig;

/**
 * The least memory a J-BOND run of a GPT-2 can hold, in float32: the policy's weights, their
 * gradients, AdamW's two moments, the anchor and the reference ({@code 6 × 4 N} bytes), plus the
 * activations one micro-batch keeps for its backward pass. Per token and block the backward needs
 * {@code 16 d + heads × T} values: the block's input (the first norm's), the first norm's output
 * (the query-key-value product's input), the queries, keys and values (the two attention
 * products' inputs), the attention probabilities (the softmax's output and the second attention
 * product's input, {@code heads × T}), the merged heads (the output projection's input), the
 * residual (the second norm's input), the second norm's output (the MLP's input), the MLP's
 * pre-activation ({@code 4 d}, the GELU's input) and its activation ({@code 4 d}, the down
 * projection's input). The final norm keeps its input ({@code d} per token); the head keeps, per
 * predicted token, its input row ({@code d}) and the log-softmax's output ({@code V}). The
 * engine's own code and the JVM are not counted.
 */
public final class AnalyticMemory {
  private AnalyticMemory() {}

  /**
   * The minimum in bytes for {@code config}, with micro-batches of {@code sequences} sequences of
   * {@code length} input tokens, of which {@code predicted} predict a completion token.
   */
  public static long jBondMinimumBytes(DecoderConfig config, long sequences, long length,
      long predicted) {
    long d = config.embeddingSize();
    long perToken = config.layers() * (16 * d + (long) config.heads() * length) + d;
    long perPredicted = d + config.vocabularySize();
    return 4 * (6 * config.parameterCount() + sequences * length * perToken
        + predicted * perPredicted);
  }
}
