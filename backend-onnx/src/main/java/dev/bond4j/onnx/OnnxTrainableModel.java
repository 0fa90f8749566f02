package dev.bond4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.model.EngineInfo;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.decoder.DecoderModel;
import dev.bond4j.onnx.export.DecoderOnnxExport;
import dev.bond4j.onnx.train.TrainingGraphs;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A decoder whose parameters are ONNX Runtime tensors ({@link OrtParameters}) that training graphs
 * replace in place. It samples, scores and returns logits through bond4j's exported decoder with
 * weights as inputs ({@link OnnxPolicy#onTensors}: the KV-cache path), fed these tensors without a
 * copy. Not thread-safe.
 */
final class OnnxTrainableModel implements DecoderModel {
  private final DecoderConfig config;
  private final DecoderLayout layout;
  private final OnnxOptions options;
  private final OrtParameters parameters;
  private final OnnxPolicy decoder;
  private GraphSession ema;

  private OnnxTrainableModel(DecoderConfig config, float[] values, OnnxOptions options) {
    this.config = config;
    this.layout = new DecoderLayout(config);
    this.options = options;
    this.parameters = OrtParameters.of(layout, values);
    try {
      this.decoder = openDecoder();
    } catch (RuntimeException e) {
      parameters.close();
      throw e;
    }
  }
  @Override
  public EngineInfo engine() {
    return new EngineInfo("ONNX Runtime", OrtEnvironment.getEnvironment().getVersion(),
        options.device().toString(), "float32");
  }


  /** A model of shape {@code config} holding {@code values} (canonical order). */
  static OnnxTrainableModel of(DecoderConfig config, float[] values, OnnxOptions options) {
    return new OnnxTrainableModel(config, values, options);
  }

  private OnnxPolicy openDecoder() {
    Path directory;
    try {
      directory = Files.createTempDirectory("bond4j-onnx-decoder");
    } catch (IOException e) {
      throw new BondException("Cannot create a folder for the ONNX decoder: " + e, e);
    }
    try {
      DecoderOnnxExport.export(config, null, directory, DecoderOnnxExport.Weights.INPUTS);
      return OnnxPolicy.onTensors(directory, parameters::tensors, options);
    } finally {
      try (Stream<Path> walk = Files.walk(directory)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        directory.toFile().deleteOnExit();
      }
    }
  }

  /** The parameter tensors. */
  OrtParameters parameters() {
    return parameters;
  }

  /** The layout of the parameters. */
  DecoderLayout layout() {
    return layout;
  }

  /** The session options. */
  OnnxOptions options() {
    return options;
  }

  /** {@code θ ← (1 − η) θ + η θ_source}, one generated graph run in ONNX Runtime. */
  void moveToward(OnnxTrainableModel source, double eta) {
    Problems.require(source.config.sameShape(config), "source.config", source.config,
        "the snapshot's config " + config);
    if (ema == null) {
      ema = new GraphSession(TrainingGraphs.ema(config), options, "anchor's EMA graph");
    }
    try (OnnxTensor keep = GraphSession.scalar(1 - eta);
        OnnxTensor step = GraphSession.scalar(eta)) {
      Map<String, OnnxTensor> inputs = new HashMap<>(source.parameters.tensors());
      parameters.tensors().forEach((name, tensor) ->
          inputs.put(TrainingGraphs.anchor(name), tensor));
      inputs.put(TrainingGraphs.KEEP, keep);
      inputs.put(TrainingGraphs.ETA, step);
      Map<String, OnnxValue> outputs = ema.run(inputs);
      parameters.replace(outputs, name -> TrainingGraphs.updated(TrainingGraphs.anchor(name)));
    }
  }

  @Override
  public DecoderConfig config() {
    return config;
  }

  @Override
  public float[] parameterValues() {
    return parameters.values();
  }

  @Override
  public void setParameterValues(float[] values) {
    parameters.set(values);
  }

  @Override
  public List<Completion> sample(List<Prompt> prompts, SamplingSettings settings, long seed) {
    return decoder.sample(prompts, settings, seed);
  }

  @Override
  public double[] logProbs(List<? extends PromptedSequence> sequences) {
    return decoder.logProbs(sequences);
  }

  @Override
  public float[] logits(List<TokenSequence> sequences) {
    return decoder.logits(sequences);
  }

  @Override
  public void close() {
    decoder.close();
    parameters.close();
    if (ema != null) {
      ema.close();
    }
  }
}
