package dev.bond4j.decoder;

/**
 * Where a {@link WeightLoader} puts parameter values: a Java array or an engine's buffer, filled
 * in pieces so that loading never holds a second full copy of the model.
 */
@FunctionalInterface
public interface ParameterSink {
  /** Stores {@code values[0, count)} at element {@code offset} of the flat parameter array. */
  void write(long offset, float[] values, int count);
}
