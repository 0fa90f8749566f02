package dev.bond4j.tck;

import dev.bond4j.model.Policy;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.onnx.OnnxBackend;
import dev.bond4j.onnx.OnnxOptions;
import dev.bond4j.onnx.OnnxPolicy;
import dev.bond4j.onnx.export.DecoderOnnxExport;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.value.Prompt;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The sampling half of the conformance suite against ONNX Runtime: the same two-layer GPT-2 over
 * four token ids (EOS 3) as the DJL suite (or another shape, {@link #config()}), its weights
 * scaled up from the initialisation, written by bond4j's exporter with baked weights and sampled
 * through the KV cache. Prompts of one and two tokens make every batch left-padded.
 */
class OnnxPolicyContractTest extends SamplingContract {
  private static final DecoderConfig CONFIG =
      DecoderConfig.gpt2(4, 8, 16, 2, 2, 32, 1e-5, "gelu_new", 3);
  private static final float SCALE = 25f;

  /** The model shape the suite runs. */
  DecoderConfig config() {
    return CONFIG;
  }

  @Override
  protected SamplingBackend backend() {
    return new SamplingBackend() {
      @Override
      public Policy sampler(long seed) {
        return ModelFolders.loaded("onnx", directory -> export(config(), seed, directory),
            directory -> OnnxPolicy.load(directory, OnnxOptions.cpu()));
      }

      @Override
      public List<Prompt> prompts() {
        return DecoderPolicyContract.PROMPTS;
      }

      @Override
      public SequenceSpace space() {
        return DecoderPolicyContract.SPACE;
      }

      @Override
      public double tolerance() {
        return 2e-5;
      }

      @Override
      public OptionalLong liveNativeObjects() {
        return new OnnxBackend().liveNativeObjects();
      }
    };
  }

  /** Writes the ONNX export of the initialisation with weight matrices scaled up. */
  private static void export(DecoderConfig config, long seed, Path directory) {
    DecoderLayout layout = new DecoderLayout(config);
    float[] values = layout.initialValues(seed);
    for (int i = 0; i < layout.size(); i++) {
      if (layout.shape(i).length == 2) {
        for (long j = layout.offset(i); j < layout.offset(i + 1); j++) {
          values[(int) j] *= SCALE;
        }
      }
    }
    DecoderOnnxExport.export(config, values, directory, DecoderOnnxExport.Weights.BAKED);
  }
}
