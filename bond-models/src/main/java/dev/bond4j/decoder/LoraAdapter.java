package dev.bond4j.decoder;

/**
 * A LoRA adapter an {@link EngineModel} runs with: its layout and the engine's buffer of its
 * factors.
 *
 * @param layout where the factors live and what they adapt
 * @param store the engine's buffer of the factors (and the copies of {@code modules_to_save}), in
 *     {@code layout}'s order
 * @param baseModel the base model folder it adapts, for PEFT's {@code base_model_name_or_path}, or
 *     null when the base was not read from a folder
 */
public record LoraAdapter(LoraLayout layout, ParameterStore store, String baseModel) {
  /** A copy of the factors and saved copies. */
  public float[] values() {
    return store.values();
  }
}
