package dev.bond4j.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.InvalidArgumentException;
import org.junit.jupiter.api.Test;

/** Validation of the value types: every problem is reported at once, naming field and value. */
class ValueTypesTest {

  @Test
  void samplingSettingsReportAllProblemsAtOnce() {
    assertThatThrownBy(() -> SamplingSettings.builder().temperature(-1).topK(-2).topP(1.5)
        .maxNewTokens(0).build())
        .isInstanceOfSatisfying(InvalidArgumentException.class,
            e -> assertThat(e.problems()).extracting(InvalidArgumentException.Problem::field)
                .containsExactly("temperature", "topK", "topP", "maxNewTokens"))
        .hasMessageContaining("temperature = -1.0 (expected a finite number > 0)")
        .hasMessageContaining("topP = 1.5 (expected a number in (0, 1])");
  }

  @Test
  void optimizerSettingsValidateAndRoundTripThroughToBuilder() {
    OptimizerSettings settings = OptimizerSettings.builder().learningRate(3e-6).warmupSteps(100)
        .build();
    assertThat(settings.toBuilder().build()).isEqualTo(settings);
    assertThat(settings.learningRateAt(50)).isEqualTo(1.5e-6);
    assertThat(settings.learningRateAt(100)).isEqualTo(3e-6);
    assertThatThrownBy(() -> settings.toBuilder().learningRate(0).beta1(1).maxGradNorm(-1).build())
        .hasMessageContaining("learningRate = 0.0").hasMessageContaining("beta1 = 1.0")
        .hasMessageContaining("maxGradNorm = -1.0");
  }

  @Test
  void completionChecksItsLogProbabilities() {
    Prompt prompt = Prompt.of("p", TokenSequence.of(1, 2));
    Completion completion = Completion.builder().prompt(prompt).completion(TokenSequence.of(3, 4))
        .tokenLogProbs(new double[] {-0.5, -0.25}).endedWithEos(false).build();
    assertThat(completion.logProb()).isEqualTo(-0.75);
    assertThatThrownBy(() -> Completion.builder().prompt(prompt).completion(TokenSequence.of(3))
        .tokenLogProbs(new double[] {0.5, -1}).endedWithEos(true).build())
        .hasMessageContaining("tokenLogProbs.length = 2")
        .hasMessageContaining("tokenLogProbs[0] = 0.5");
  }

  @Test
  void missingRequiredAttributesRaiseTheLibrarysException() {
    assertThatThrownBy(() -> Completion.builder().build())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("prompt");
  }

  @Test
  void weightedSequencesNeedAFiniteWeightAndTokens() {
    Prompt prompt = Prompt.of("p", TokenSequence.of(1));
    assertThatThrownBy(() -> WeightedSequence.of(prompt, TokenSequence.empty(), Double.NaN))
        .hasMessageContaining("weight = NaN").hasMessageContaining("completion = []");
  }

  @Test
  void tokenSequencesAreValuesOrderedLexicographically() {
    assertThat(TokenSequence.of(1, 2)).isEqualTo(TokenSequence.of(1, 2))
        .hasSameHashCodeAs(TokenSequence.of(1, 2));
    assertThat(TokenSequence.of(1)).isLessThan(TokenSequence.of(1, 0));
    assertThat(TokenSequence.of(1, 5)).isLessThan(TokenSequence.of(2));
    assertThatThrownBy(() -> TokenSequence.of(3, -1)).hasMessageContaining("tokens[1] = -1");
  }

  @Test
  void stepReportKeysAreNamespacedLowercase() {
    StepReport report = StepReport.builder().step(3).putMetrics("reward/mean", 1.5).build();
    assertThat(report.require("reward/mean")).isEqualTo(1.5);
    assertThat(report.metric("kl/ref")).isEmpty();
    assertThatThrownBy(() -> StepReport.builder().step(1).putMetrics("Reward Mean", 1.0).build())
        .hasMessageContaining("metrics key = \"Reward Mean\"");
  }
}
