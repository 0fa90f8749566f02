package dev.bond4j.onnx;

import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.spi.Backend;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.ModelShape;
import dev.bond4j.value.OptimizerSettings;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The ONNX Runtime backend as a service named {@code onnx}: trainable decoder policies (GPT-2 and
 * the Llama family) whose training step runs as generated ONNX graphs ({@link
 * OnnxTrainablePolicy}). Registered in {@code META-INF/services/dev.bond4j.spi.Backend}.
 */
public final class OnnxBackend implements Backend {
  @Override
  public String name() {
    return "onnx";
  }

  @Override
  public TrainablePolicy create(ModelShape shape, BackendOptions options,
      OptimizerSettings optimizer, long seed) {
    return OnnxTrainablePolicy.create(DecoderConfig.of(shape), seed, optimizer, options(options));
  }

  @Override
  public TrainablePolicy load(Path directory, BackendOptions options,
      OptimizerSettings optimizer) {
    return OnnxTrainablePolicy.load(directory, optimizer, options(options));
  }

  /**
   * The ONNX Runtime tensors, outputs and sessions not closed yet, of every policy, snapshot and
   * reward model of the process ({@link OrtObjects}).
   */
  @Override
  public OptionalLong liveNativeObjects() {
    return OptionalLong.of(OrtObjects.open());
  }

  private OnnxOptions options(BackendOptions options) {
    BackendOptions fp32 = options.requireFp32(name());
    return OnnxOptions.cpu().withDevice(fp32.device()).withThreads(fp32.threads());
  }
}
