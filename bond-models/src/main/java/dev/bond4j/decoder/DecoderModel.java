package dev.bond4j.decoder;

import dev.bond4j.model.EngineInfo;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.util.List;

/**
 * An engine's decoder with its parameters: what a {@link DecoderPolicy} delegates to. Holds
 * native memory until {@link #close}.
 */
public interface DecoderModel extends AutoCloseable {
  /** The model's shape. */
  DecoderConfig config();

  /** The LoRA adapter the model runs with, or null for a plain model. */
  default LoraAdapter adapter() {
    return null;
  }

  /**
   * A copy of all parameters, in {@link DecoderLayout}'s order (with an adapter, the base with the
   * adapter merged in).
   */
  float[] parameterValues();

  /** Overwrites all parameters in place, in {@link DecoderLayout}'s order. */
  void setParameterValues(float[] values);

  /** Batched sampling with a key-value cache. */
  List<Completion> sample(List<Prompt> prompts, SamplingSettings settings, long seed);

  /** {@code log π(y|x)} per sequence at temperature 1, without gradient. */
  double[] logProbs(List<? extends PromptedSequence> sequences);

  /** The engine, device and precision that run the model. */
  EngineInfo engine();

  /** Full-sequence logits of equal-length sequences, {@code [B * T * V]} row-major. */
  float[] logits(List<TokenSequence> sequences);

  @Override
  void close();
}
