package dev.bond4j.decoder;

/**
 * What an engine supplies to the shared {@link SamplingLoop}: the forward passes of one sampling
 * call over a key-value cache, returning next-token probabilities at the sampling temperature,
 * {@code [rows · V]} row-major. The loop owns everything else (drawing, EOS, limits, the
 * completions); the session owns its cache and masks. Close it to free the cache.
 */
public interface DecodingSession extends AutoCloseable {
  /**
   * Runs the left-padded prompts and fills cache slots {@code [0, promptSlots)}.
   *
   * @return next-token probabilities of every row
   */
  float[] prefill(PromptBatch batch);

  /**
   * Feeds one token per current row into cache slot {@code slot}, which every row may now attend
   * to.
   *
   * @param tokens {@code [rows]} token ids
   * @param positions {@code [rows]} position ids
   * @return next-token probabilities of every current row
   */
  float[] step(int[] tokens, int[] positions, int slot);

  /**
   * Whether {@link #retain} is cheap enough that the loop should drop finished rows; otherwise
   * finished rows are fed their padding token until every row is done.
   */
  default boolean retains() {
    return false;
  }

  /** Keeps only the given current rows, in that order (called only when {@link #retains}). */
  default void retain(int[] rows) {
    throw new UnsupportedOperationException("this session does not drop rows");
  }

  @Override
  void close();
}
