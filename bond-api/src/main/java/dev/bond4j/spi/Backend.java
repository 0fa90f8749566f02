package dev.bond4j.spi;

import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.value.OptimizerSettings;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A policy engine (DJL, ONNX Runtime, ND4J) as a service: found by name through {@link
 * java.util.ServiceLoader}, so that code and configuration name a backend ({@code "djl"}) without
 * compiling against it. Each backend module lists its implementation in {@code
 * META-INF/services/dev.bond4j.spi.Backend}.
 */
public interface Backend {
  /** The name configurations use, lowercase: {@code djl}, {@code onnx}, {@code dl4j}. */
  String name();

  /** Among backends of the same name, the one with the highest rank wins. */
  default int rank() {
    return 0;
  }

  /**
   * A trainable GPT-2-family policy with freshly initialised weights.
   *
   * @throws dev.bond4j.BondException when the backend cannot train or the device is absent
   */
  TrainablePolicy create(ModelShape shape, BackendOptions options, OptimizerSettings optimizer,
      long seed);

  /**
   * A trainable policy loaded from a HuggingFace-layout directory ({@code config.json} and
   * {@code model.safetensors}).
   *
   * @throws dev.bond4j.BondException when the files are missing or malformed
   */
  TrainablePolicy load(Path directory, BackendOptions options, OptimizerSettings optimizer);

  /**
   * How many native objects (engine tensors) the backend's policies and snapshots hold right now,
   * process-wide, for leak checks: closing everything made since a reading brings the count back
   * to it (the conformance suite checks this). Empty when the backend cannot tell.
   */
  default OptionalLong liveNativeObjects() {
    return OptionalLong.empty();
  }
}
