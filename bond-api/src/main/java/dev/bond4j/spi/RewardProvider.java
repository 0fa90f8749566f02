package dev.bond4j.spi;

import dev.bond4j.model.RewardModel;
import dev.bond4j.model.Tokenizer;

/**
 * A kind of reward model as a service, found by name through {@link java.util.ServiceLoader} so
 * that a configuration can say {@code reward: onnx} without compiling against ONNX Runtime. Each
 * providing module lists its implementation in {@code
 * META-INF/services/dev.bond4j.spi.RewardProvider}.
 */
public interface RewardProvider {
  /** The name configurations use, e.g. {@code onnx}. */
  String name();

  /**
   * Opens the reward model {@code spec} describes, checked against {@code tokenizer}.
   *
   * @throws dev.bond4j.BondException when the model is missing, malformed or does not fit
   */
  RewardModel open(RewardSpec spec, Tokenizer tokenizer);
}
