package dev.bond4j.decoder;

/**
 * An engine's buffer of a decoder's parameters, in {@link DecoderLayout}'s order. Holds native
 * memory until {@link #close}.
 */
public interface ParameterStore extends AutoCloseable {
  /** A copy of all values. */
  float[] values();

  /** Overwrites all values in place. */
  void setValues(float[] values);

  @Override
  void close();
}
