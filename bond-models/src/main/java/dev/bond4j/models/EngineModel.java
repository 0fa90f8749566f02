package dev.bond4j.models;

/**
 * What every engine's {@link DecoderModel} shares: its shape and its {@link ParameterStore},
 * which it reads, overwrites and closes. An engine adds sampling, scoring and logits.
 */
public abstract class EngineModel implements DecoderModel {
  private final DecoderConfig config;
  private final ParameterStore store;

  /** A model of shape {@code config} over {@code store}, which it closes. */
  protected EngineModel(DecoderConfig config, ParameterStore store) {
    this.config = config;
    this.store = store;
  }

  @Override
  public DecoderConfig config() {
    return config;
  }

  @Override
  public float[] parameterValues() {
    return store.values();
  }

  @Override
  public void setParameterValues(float[] values) {
    store.setValues(values);
  }

  @Override
  public void close() {
    store.close();
  }
}
