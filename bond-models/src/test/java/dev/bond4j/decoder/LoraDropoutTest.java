package dev.bond4j.decoder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.spi.LoraSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LoraDropoutTest {
  private static final double P = 0.25;
  /** q_proj and v_proj fused into one target with k_proj left out, and four more modules. */
  private static final LoraLayout LAYOUT = new LoraLayout(LoraLayoutTest.QWEN2,
      new LoraSettings(3, 6, P, LoraLayoutTest.PARTIAL.targetModules()));
  private static final List<WeightedSequence> BATCH = List.of(
      sequence(new int[] {1, 2}, 3, 4, 5), sequence(new int[] {6}, 7, 8),
      sequence(new int[] {9, 1}, 2), sequence(new int[] {3}, 4, 5, 6, 7));

  private static WeightedSequence sequence(int[] prompt, int... completion) {
    return WeightedSequence.of(Prompt.of("p", TokenSequence.of(prompt)),
        TokenSequence.of(completion), 1.0);
  }

  private static float[] mask(long step, int first, List<WeightedSequence> batch, int target,
      int module, int length) {
    return LoraDropout.of(LAYOUT, step, first, batch).mask(target, module, batch.size(), length);
  }

  /** The rows {@code [from, to)} of a mask over {@code [batch, length, in]}. */
  private static float[] rows(float[] mask, int from, int to, int length, int in) {
    return Arrays.copyOfRange(mask, from * length * in, to * length * in);
  }

  @Test
  void noDropoutDrawsNothing() {
    assertThat(LoraDropout.of(new LoraLayout(LoraLayoutTest.QWEN2, LoraLayoutTest.PARTIAL), 3, 0,
        BATCH)).isNull();
  }

  @Test
  void entriesAreZeroWithProbabilityPAndElseTheInvertedScale() {
    int zeros = 0;
    int total = 0;
    for (int t = 0; t < LAYOUT.targets().size(); t++) {
      for (int i = 0; i < LAYOUT.targets().get(t).modules().size(); i++) {
        for (float value : mask(7, 0, BATCH, t, i, 9)) {
          assertThat(value).isIn(0f, (float) (1 / (1 - P)));
          zeros += value == 0 ? 1 : 0;
          total++;
        }
      }
    }
    double sigma = Math.sqrt(total * P * (1 - P));
    assertThat((double) zeros).isBetween(total * P - 5 * sigma, total * P + 5 * sigma);
  }

  @Test
  void masksAreAPureFunctionOfStepSequenceLayerModuleAndPosition() {
    float[] mask = mask(4, 0, BATCH, 0, 1, 6);
    assertThat(mask(4, 0, BATCH, 0, 1, 6)).containsExactly(mask);
    assertThat(mask(5, 0, BATCH, 0, 1, 6)).as("next step").isNotEqualTo(mask);
    assertThat(mask(4, 4, BATCH, 0, 1, 6)).as("later sequences").isNotEqualTo(mask);
    assertThat(mask(4, 0, BATCH, 0, 0, 6)).as("the other fused module").isNotEqualTo(mask);
    int nextLayer = LAYOUT.targetIndex(1, DecoderLayout.Slot.QKV_W);
    assertThat(mask(4, 0, BATCH, nextLayer, 1, 6)).as("next layer").isNotEqualTo(mask);
    List<WeightedSequence> other = List.of(BATCH.get(0), BATCH.get(1), BATCH.get(2),
        sequence(new int[] {3}, 4, 5, 6, 8));
    float[] otherMask = mask(4, 0, other, 0, 1, 6);
    int in = (int) LAYOUT.targets().get(0).in();
    assertThat(rows(otherMask, 0, 3, 6, in)).as("same sequences").containsExactly(
        rows(mask, 0, 3, 6, in));
    assertThat(rows(otherMask, 3, 4, 6, in)).as("other tokens").isNotEqualTo(
        rows(mask, 3, 4, 6, in));
    int stride = in * 6;
    for (int position = 0; position < 5; position++) {
      assertThat(Arrays.copyOfRange(mask, position * in, (position + 1) * in))
          .as("position %d", position)
          .isNotEqualTo(Arrays.copyOfRange(mask, (position + 1) * in, (position + 2) * in));
    }
    assertThat(Arrays.copyOfRange(mask, 0, in)).as("first sequence against the second")
        .isNotEqualTo(Arrays.copyOfRange(mask, stride, stride + in));
  }

  @Test
  void microBatchesDrawTheMasksOfTheWholeBatchAndPaddingChangesNoPosition() {
    int in = (int) LAYOUT.targets().get(2).in();
    float[] whole = mask(2, 0, BATCH, 2, 0, 7);
    float[] second = mask(2, 2, BATCH.subList(2, 4), 2, 0, 7);
    assertThat(second).containsExactly(rows(whole, 2, 4, 7, in));
    float[] shorter = mask(2, 0, BATCH, 2, 0, 5);
    for (int row = 0; row < BATCH.size(); row++) {
      assertThat(Arrays.copyOfRange(shorter, row * 5 * in, (row + 1) * 5 * in))
          .containsExactly(Arrays.copyOfRange(whole, row * 7 * in, (row * 7 + 5) * in));
    }
  }

  /**
   * Inverted dropout keeps the branch's expectation: over many masks the mean of {@code (x ∘ D)
   * A} is {@code x A}, within five standard errors of the exact variance {@code Σ_j x_j² A_jk²
   * p/(1-p)} per output.
   */
  @Test
  void theDroppedBranchIsUnbiased() {
    LoraLayout.Target target = LAYOUT.targets().get(0);
    int in = (int) target.in();
    int rank = 3 * target.modules().size();
    SplittableRandom random = new SplittableRandom(11);
    double[] x = random.doubles(in, -1, 1).toArray();
    double[][] a = new double[in][];
    for (int j = 0; j < in; j++) {
      a[j] = random.doubles(rank, -1, 1).toArray();
    }
    int draws = 4000;
    int length = 5;
    double[] mean = new double[rank];
    for (int draw = 0; draw < draws; draw++) {
      float[] mask = mask(draw, 0, BATCH, 0, 1, length);
      for (int j = 0; j < in; j++) {
        for (int k = 0; k < rank; k++) {
          mean[k] += x[j] * mask[j] * a[j][k] / draws;
        }
      }
    }
    for (int k = 0; k < rank; k++) {
      double exact = 0;
      double variance = 0;
      for (int j = 0; j < in; j++) {
        exact += x[j] * a[j][k];
        variance += x[j] * x[j] * a[j][k] * a[j][k] * P / (1 - P);
      }
      double error = Math.sqrt(variance / draws);
      assertThat(mean[k]).as("column %d", k).isBetween(exact - 5 * error, exact + 5 * error);
    }
  }

  @Test
  void moduleColumnsSelectEachFusedModulesRank() {
    LoraLayout.Target fused = LAYOUT.targets().get(0);
    assertThat(fused.modules()).hasSize(2);
    assertThat(LAYOUT.moduleColumns(fused, 0)).containsExactly(1, 1, 1, 0, 0, 0);
    assertThat(LAYOUT.moduleColumns(fused, 1)).containsExactly(0, 0, 0, 1, 1, 1);
  }
}
