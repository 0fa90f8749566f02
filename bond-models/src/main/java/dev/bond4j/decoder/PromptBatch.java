package dev.bond4j.decoder;

/**
 * Prompts laid out for a sampler's first pass: left-padded to a common length so that every row's
 * next token sits in the last slot. Padded slots hold the padding id and attend only to
 * themselves; real slots attend to the row's real slots up to their own.
 *
 * @param batch rows
 * @param promptSlots the common prompt length {@code P}
 * @param slots cache slots to allocate: {@code P} plus the most tokens any row may generate
 * @param tokens {@code [B · P]} ids
 * @param positions {@code [B · P]} position ids: 0 for padding, then 0, 1, ... per row
 * @param pads {@code [B]} padded slots at the start of each row
 */
public record PromptBatch(int batch, int promptSlots, int slots, int[] tokens, int[] positions,
    int[] pads) {
  /** Whether query slot {@code t} of row {@code row} may attend to key slot {@code k}. */
  public boolean visible(int row, int t, int k) {
    return k <= t && (k >= pads[row] || k == t);
  }

  /**
   * Additive attention mask {@code [B, P, P]} row-major: 0 where {@link #visible}, {@code masked}
   * elsewhere.
   */
  public float[] mask(float masked) {
    int p = promptSlots;
    float[] mask = new float[batch * p * p];
    for (int i = 0; i < batch; i++) {
      for (int t = 0; t < p; t++) {
        for (int k = 0; k < p; k++) {
          mask[(i * p + t) * p + k] = visible(i, t, k) ? 0f : masked;
        }
      }
    }
    return mask;
  }
}
