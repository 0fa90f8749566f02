package dev.bond4j.cli;

import dev.bond4j.backend.BackendRegistry;
import dev.bond4j.config.Tokenizers;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.Device;
import dev.bond4j.spi.Precision;
import dev.bond4j.value.OptimizerSettings;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options shared by the {@code bond} commands that load a policy: the {@link ModelOptions}, the
 * device and the precision.
 */
final class PolicyOptions {
  @Mixin
  ModelOptions model;

  @Option(names = "--device", defaultValue = "cpu",
      description = "cpu or cuda:N (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--precision", defaultValue = "fp32",
      description = "fp32, or bf16: bfloat16 matrix products with float32 weights, optimizer"
          + " state and log-probabilities (default: ${DEFAULT-VALUE}).")
  String precision;

  /** The backend's options. */
  BackendOptions backendOptions() {
    return ApplicationOptions.of(BackendOptions.builder().device(Device.parse(device))
        .threads(model.threads()).precision(Precision.parse(precision)).build());
  }

  /** Loads the policy in {@code directory}. */
  TrainablePolicy load(Path directory) {
    return BackendRegistry.discover().require(model.backend()).load(directory, backendOptions(),
        OptimizerSettings.defaults());
  }

  /** The tokenizer. */
  Tokenizer tokenizer() {
    return Tokenizers.open(model.tokenizer());
  }
}
