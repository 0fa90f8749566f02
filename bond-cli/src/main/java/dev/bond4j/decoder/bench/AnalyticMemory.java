package dev.bond4j.decoder.bench;

import dev.bond4j.decoder.DecoderConfig;

/**
 * The least memory a J-BOND run of a decoder can hold, in float32: the policy's weights, their
 * gradients, AdamW's two moments, the anchor and the reference ({@code 6 × 4 N} bytes), plus the
 * activations one micro-batch keeps for its backward pass. Per token and layer a GPT-2 block keeps
 * about {@code 16 d} values (two norm outputs, queries, keys and values, the attention output, the
 * MLP's input and activation of width {@code 4 d}) and the attention probabilities, {@code 2
 * heads × T}; the head keeps the logits and their log-softmax, {@code 2 V} per predicted token.
 * The engine's own code and the JVM are not counted.
 */
public final class AnalyticMemory {
  private AnalyticMemory() {}

  /**
   * The minimum in bytes for {@code config}, with micro-batches of {@code sequences} sequences of
   * {@code length} tokens.
   */
  public static long jBondMinimumBytes(DecoderConfig config, long sequences, long length) {
    long parameters = config.parameterCount();
    long perToken = config.layers() * (16L * config.embeddingSize() + 2L * config.heads() * length)
        + 2L * config.vocabularySize();
    return 4 * (6 * parameters + sequences * length * perToken);
  }
}
