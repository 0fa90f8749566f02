package dev.bond4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.math.TieRule;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.onnx.export.DecoderOnnxExport.Weights;
import dev.bond4j.onnx.export.MeanEmbeddingRewardExport;
import dev.bond4j.onnx.serving.ServingComparison;
import dev.bond4j.onnx.serving.ServingRow;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingComparisonTest {
  private static final DecoderConfig CONFIG = DecoderConfig.gpt2(8, 16, 16, 1, 2);

  @Test
  void bestOfNCostsNSamplesAndNRewardCallsAndRaisesTheReward(@TempDir Path directory) {
    Path rewardFile = directory.resolve("reward.onnx");
    float[][] scores = {{-1}, {-0.5f}, {0}, {0.25f}, {0.5f}, {0.75f}, {1}, {0}};
    MeanEmbeddingRewardExport.write(rewardFile, scores, new float[][] {{1}}, new float[1]);
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      prompts.add(Prompt.of("p" + i, TokenSequence.of(i % 7)));
    }
    try (OnnxPolicy reference = OnnxPolicy.load(TinyModels.decoder(CONFIG,
            TinyModels.sharpened(CONFIG, 1, 2f), Weights.BAKED), OnnxOptions.cpu());
        OnnxPolicy distilled = OnnxPolicy.load(TinyModels.decoder(CONFIG,
            TinyModels.sharpened(CONFIG, 2, 2f), Weights.BAKED), OnnxOptions.cpu());
        OnnxRewardModel reward = OnnxRewardModel.builder(rewardFile).vocabularySize(8)
            .maxLength(16).build()) {
      List<ServingRow> rows = ServingComparison.run(reference, distilled, reward, prompts,
          SamplingSettings.training(5), new int[] {1, 4, 16}, TieRule.STRICT, 3);
      assertThat(rows).extracting(ServingRow::n).containsExactly(1, 4, 16, 1);
      assertThat(rows).extracting(ServingRow::rewardCalls).containsExactly(1.0, 4.0, 16.0, 0.0);
      assertThat(rows.get(2).tokens()).isGreaterThan(10 * rows.get(0).tokens());
      assertThat(rows.get(2).meanReward()).isGreaterThan(rows.get(0).meanReward());
      assertThat(rows.get(3).tokens()).isBetween(1.0, 5.0);
      assertThat(ServingComparison.toMarkdown(rows)).contains("| Best-of-16 (reference) | 16 |")
          .contains("| distilled, 1 sample | 1 |");
      assertThatThrownBy(() -> ServingComparison.run(reference, distilled, reward, List.of(),
          SamplingSettings.training(5), new int[] {0}, TieRule.STRICT, 3))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("prompts")
          .hasMessageContaining("ns[]");
    }
  }
}
