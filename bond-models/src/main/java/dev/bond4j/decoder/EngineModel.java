package dev.bond4j.decoder;

import dev.bond4j.BondException;

/**
 * What every engine's {@link DecoderModel} shares: its shape and its {@link ParameterStore},
 * which it reads, overwrites and closes, and optionally a {@link LoraAdapter} it runs with (then
 * the store holds the frozen base, and {@link #parameterValues} are the merged weights). An engine
 * adds sampling, scoring and logits.
 */
public abstract class EngineModel implements DecoderModel {
  private final DecoderConfig config;
  private final ParameterStore store;
  private final LoraAdapter adapter;

  /** A model of shape {@code config} over {@code store}, which it closes. */
  protected EngineModel(DecoderConfig config, ParameterStore store) {
    this(config, store, null);
  }

  /**
   * A model of shape {@code config} over the base weights {@code store} plus {@code adapter} (or
   * none, when null); it closes both.
   */
  protected EngineModel(DecoderConfig config, ParameterStore store, LoraAdapter adapter) {
    this.config = config;
    this.store = store;
    this.adapter = adapter;
  }

  @Override
  public DecoderConfig config() {
    return config;
  }

  @Override
  public LoraAdapter adapter() {
    return adapter;
  }

  /** All parameters; with an adapter, the base weights with the adapter merged in. */
  @Override
  public float[] parameterValues() {
    return adapter == null ? store.values()
        : adapter.layout().merge(store.values(), adapter.values());
  }

  /**
   * Overwrites all parameters in place.
   *
   * @throws BondException for a model with an adapter, whose base weights are frozen
   */
  @Override
  public void setParameterValues(float[] values) {
    if (adapter != null) {
      throw new BondException("The base weights of a LoRA model are frozen; set its adapter");
    }
    store.setValues(values);
  }

  @Override
  public void close() {
    if (adapter != null) {
      adapter.store().close();
    }
    store.close();
  }
}
