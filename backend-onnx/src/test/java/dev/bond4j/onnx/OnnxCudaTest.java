package dev.bond4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.onnx.export.DecoderOnnxExport;
import dev.bond4j.onnx.export.DecoderOnnxExport.Weights;
import dev.bond4j.value.Completion;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CUDA execution provider against the CPU (sampling, scoring and training steps), for a
 * machine with a GPU; left out of the default
 * run (tag {@code cuda}). It needs ONNX Runtime's GPU native libraries of the same version as the
 * Java jar (1.23.2), for example extracted from the {@code onnxruntime_gpu} jar, and CUDA 12 with
 * cuDNN 9:
 *
 * <pre>
 * mvn -pl backend-onnx -am verify -DcudaTests=none -Dgroups=cuda -Dbond4j.onnx.device=cuda:0 \
 *     -DargLine=-Donnxruntime.native.path=/path/to/onnxruntime-gpu/lib
 * </pre>
 *
 * The device must be used for real: no CPU fallback is allowed, so a missing provider fails.
 */
@Tag("cuda")
class OnnxCudaTest {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxCudaTest.class);
  private static final DecoderConfig CONFIG = DecoderConfig.gpt2(64, 128, 32, 2, 4);

  @Test
  void cudaSamplesAndScoresLikeTheCpu(@TempDir Path directory) {
    OnnxOptions gpu = OnnxOptions.cpu()
        .withDevice(System.getProperty("bond4j.onnx.device", "cuda:0"));
    float[] values = TinyModels.sharpened(CONFIG, 1, 4f);
    DecoderOnnxExport.export(CONFIG, values, directory, Weights.BAKED);
    Path classifier = directory.resolve("classifier.onnx");
    float[][] head = new float[CONFIG.embeddingSize()][2];
    for (int j = 0; j < head.length; j++) {
      head[j][j % 2] = 1f;
    }
    DecoderOnnxExport.exportClassifier(CONFIG, values, head, new float[2], classifier);
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      prompts.add(Prompt.of("p" + i, TokenSequence.of(i % 63, (7 * i) % 63, 5)));
    }
    SamplingSettings greedy = SamplingSettings.builder().topK(1).maxNewTokens(64).build();
    try (OnnxPolicy cpu = OnnxPolicy.load(directory, OnnxOptions.cpu());
        OnnxPolicy cuda = OnnxPolicy.load(directory, gpu);
        OnnxRewardModel cpuReward = OnnxRewardModel.builder(classifier).vocabularySize(64)
            .maxLength(128).labelIndex(1).build();
        OnnxRewardModel cudaReward = OnnxRewardModel.builder(classifier).vocabularySize(64)
            .maxLength(128).labelIndex(1).options(gpu).build()) {
      List<Completion> onCpu = cpu.sample(prompts, greedy, 1);
      long start = System.nanoTime();
      List<Completion> onCuda = cuda.sample(prompts, greedy, 1);
      double seconds = (System.nanoTime() - start) / 1e9;
      LOG.info("{}: greedy 32 x {} tokens in {} s", gpu.device(),
          onCuda.stream().mapToInt(c -> c.completion().length()).sum(), seconds);
      for (int i = 0; i < prompts.size(); i++) {
        assertThat(onCuda.get(i).completion()).isEqualTo(onCpu.get(i).completion());
      }
      List<Completion> plain = cpu.sample(prompts, SamplingSettings.training(32), 2);
      assertThat(cuda.logProbs(plain)).containsExactly(cpu.logProbs(plain), within(1e-4));
      assertThat(cudaReward.score(plain)).containsExactly(cpuReward.score(plain), within(1e-4));
    }
  }

  @Test
  void cudaTrainsLikeTheCpu() {
    OnnxOptions gpu = OnnxOptions.cpu()
        .withDevice(System.getProperty("bond4j.onnx.device", "cuda:0"));
    List<WeightedSequence> batch = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      batch.add(WeightedSequence.of(Prompt.of("p" + i, TokenSequence.of(i, 5)),
          TokenSequence.of((3 * i) % 63, 7, 9), i % 2 == 0 ? 1.0 : -0.5));
    }
    try (OnnxTrainablePolicy cpu = OnnxTrainablePolicy.create(CONFIG, 1,
            OptimizerSettings.defaults(), OnnxOptions.cpu());
        OnnxTrainablePolicy cuda = OnnxTrainablePolicy.create(CONFIG, 1,
            OptimizerSettings.defaults(), gpu)) {
      for (int step = 0; step < 3; step++) {
        assertThat(cuda.update(batch).loss()).isCloseTo(cpu.update(batch).loss(), within(1e-4));
      }
      assertThat(cuda.parameters()).containsExactly(cpu.parameters(), within(1e-4f));
    }
  }
}
