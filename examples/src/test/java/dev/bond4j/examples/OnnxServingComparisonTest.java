package dev.bond4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.onnx.serving.ServingRow;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's serving comparison runs end to end, and J-BOND distillation pays off. */
class OnnxServingComparisonTest {
  @Test
  void theDistilledPolicyBeatsBestOfOneWithOneSampleAndNoRewardCall(@TempDir Path out)
      throws IOException {
    List<ServingRow> rows = OnnxServingComparison.run(150, 1, 32, out);
    assertThat(rows).extracting(ServingRow::n).containsExactly(1, 2, 4, 8, 16, 1);
    ServingRow bestOfOne = rows.get(0);
    ServingRow distilled = rows.get(5);
    assertThat(distilled.rewardCalls()).isZero();
    assertThat(distilled.meanReward()).isGreaterThan(bestOfOne.meanReward() + 0.1);
    assertThat(rows.get(4).tokens()).isGreaterThan(10 * distilled.tokens());
    assertThat(out.resolve("distilled").resolve("model.onnx")).isRegularFile();
  }
}
