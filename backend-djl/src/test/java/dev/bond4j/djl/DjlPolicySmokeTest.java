package dev.bond4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.value.Completion;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.util.List;
import org.junit.jupiter.api.Test;

class DjlPolicySmokeTest {
  @Test
  void samplesScoresAndTrains() {
    Gpt2Config config = Gpt2Config.of(16, 32, 32, 2, 4);
    try (DjlPolicy policy = DjlPolicy.create(config, 1, OptimizerSettings.defaults(), DjlOptions.cpu())) {
      List<Prompt> prompts = List.of(Prompt.of("a", TokenSequence.of(1, 2, 3)),
          Prompt.of("b", TokenSequence.of(4)));
      List<Completion> samples = policy.sample(prompts, SamplingSettings.training(8), 7);
      double[] recomputed = policy.logProbs(samples);
      for (int i = 0; i < samples.size(); i++) {
        System.out.println(samples.get(i).completion() + " " + samples.get(i).logProb() + " " + recomputed[i]);
        assertThat(recomputed[i]).isCloseTo(samples.get(i).logProb(), within(1e-4));
      }
      WeightedSequence up = WeightedSequence.of(samples.get(0), 1.0);
      double before = policy.logProbs(List.of(up))[0];
      policy.update(List.of(up));
      assertThat(policy.logProbs(List.of(up))[0]).isGreaterThan(before);
    }
  }
}
