package dev.bond4j.decoder;

/**
 * One holder's handle on a {@link ParameterStore} that several models read (a LoRA policy's frozen
 * base, which its reference and anchors share instead of copying): the store is closed when the
 * last handle is.
 */
public final class SharedStore implements ParameterStore {
  private final ParameterStore store;
  private final int[] holders;
  private boolean closed;

  private SharedStore(ParameterStore store, int[] holders) {
    this.store = store;
    this.holders = holders;
  }

  /** The first handle on {@code store}. */
  public static SharedStore of(ParameterStore store) {
    return new SharedStore(store, new int[] {1});
  }

  /** Another handle on the same store. */
  public SharedStore share() {
    if (closed) {
      throw new IllegalStateException("The handle is closed");
    }
    holders[0]++;
    return new SharedStore(store, holders);
  }

  @Override
  public float[] values() {
    return store.values();
  }

  @Override
  public void setValues(float[] values) {
    store.setValues(values);
  }

  /** Closes this handle; the store itself with the last one. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (--holders[0] == 0) {
        store.close();
      }
    }
  }
}
