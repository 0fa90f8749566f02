package dev.bond4j.testbed;

import java.util.stream.DoubleStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.BondException;
import dev.bond4j.stats.ChiSquare;
import dev.bond4j.value.Completion;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TabularPolicyTest {
  private final SequenceSpace space = SequenceSpace.of(4, 0, 3);

  private TabularPolicy policy(OptimizerSettings optimizer) {
    return TabularPolicy.random(space, 2, 1.0, 7, optimizer);
  }

  @Test
  void distributionSumsToOneAndMatchesLogProbs() {
    TabularPolicy policy = policy(OptimizerSettings.defaults());
    double[] p = policy.distribution(1);
    assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, within(1e-12));
    Prompt prompt = TabularPolicy.prompt(1);
    for (int i = 0; i < space.size(); i++) {
      double lp = policy.logProbs(List.of(WeightedSequence.of(prompt, space.sequence(i), 1)))[0];
      assertThat(Math.exp(lp)).isCloseTo(p[i], within(1e-12));
    }
  }

  @Test
  void samplesFollowTheDistributionAndReportTheirLogProbs() {
    TabularPolicy policy = policy(OptimizerSettings.defaults());
    int draws = 20_000;
    List<Prompt> prompts = Collections.nCopies(draws, TabularPolicy.prompt(0));
    List<Completion> samples = policy.sample(prompts, SamplingSettings.training(3), 11);
    long[] counts = new long[space.size()];
    double[] recomputed = policy.logProbs(samples);
    for (int i = 0; i < draws; i++) {
      counts[space.indexOf(samples.get(i).completion())]++;
      assertThat(samples.get(i).logProb()).isCloseTo(recomputed[i], within(1e-12));
    }
    // Significance level 0.001 fixed before the run; sample size 20 000.
    assertThat(ChiSquare.goodnessOfFit(counts, policy.distribution(0), 5).pValue())
        .isGreaterThan(0.001);
    assertThat(policy.sample(prompts.subList(0, 50), SamplingSettings.training(3), 11))
        .isEqualTo(samples.subList(0, 50));
  }

  @Test
  void truncatedSamplingReportsTheTruncatedLogProbs() {
    TabularPolicy policy = policy(OptimizerSettings.defaults());
    SamplingSettings greedy = SamplingSettings.builder().topK(1).maxNewTokens(3).build();
    for (Completion c : policy.sample(List.of(TabularPolicy.prompt(0), TabularPolicy.prompt(1)),
        greedy, 3)) {
      assertThat(c.logProb()).isZero();
    }
    SamplingSettings nucleus = SamplingSettings.builder().topP(0.5).temperature(0.7)
        .maxNewTokens(2).build();
    Completion c = policy.sample(List.of(TabularPolicy.prompt(0)), nucleus, 5).get(0);
    assertThat(c.completion().length()).isLessThanOrEqualTo(2);
    assertThat(DoubleStream.of(c.tokenLogProbs())).allSatisfy(lp -> assertThat(lp).isLessThanOrEqualTo(0));
  }

  @Test
  void positiveWeightRaisesNegativeLowersZeroKeeps() {
    Prompt prompt = TabularPolicy.prompt(0);
    TokenSequence y = space.sequence(5);
    for (double weight : new double[] {1, -1, 0}) {
      TabularPolicy policy = policy(OptimizerSettings.builder().learningRate(0.05).build());
      double before = policy.logProbs(List.of(WeightedSequence.of(prompt, y, 1)))[0];
      double[] theta = policy.parameters();
      policy.update(List.of(WeightedSequence.of(prompt, y, weight)));
      double after = policy.logProbs(List.of(WeightedSequence.of(prompt, y, 1)))[0];
      if (weight > 0) {
        assertThat(after).isGreaterThan(before);
      } else if (weight < 0) {
        assertThat(after).isLessThan(before);
      } else {
        assertThat(policy.parameters()).containsExactly(theta);
      }
    }
  }

  @Test
  void microBatchingGivesTheSameUpdate() {
    List<WeightedSequence> batch = List.of(
        WeightedSequence.of(TabularPolicy.prompt(0), space.sequence(3), 0.7),
        WeightedSequence.of(TabularPolicy.prompt(1), space.sequence(9), -0.2),
        WeightedSequence.of(TabularPolicy.prompt(0), space.sequence(20), 1.3));
    OptimizerSettings whole = OptimizerSettings.builder().learningRate(0.01).maxGradNorm(0.5)
        .build();
    TabularPolicy a = policy(whole);
    TabularPolicy b = policy(whole.toBuilder().microBatchSize(1).build());
    a.update(batch);
    b.update(batch);
    assertThat(b.parameters()).containsExactly(a.parameters(), within(1e-15));
  }

  @Test
  void snapshotEmaFollowsTheFormula() {
    TabularPolicy policy = policy(OptimizerSettings.builder().learningRate(0.1).build());
    TabularSnapshot anchor = policy.snapshot();
    double[] anchorBefore = anchor.parameters();
    policy.update(List.of(WeightedSequence.of(TabularPolicy.prompt(0), space.sequence(4), 1)));
    anchor.moveToward(policy, 0.25);
    double[] theta = policy.parameters();
    double[] blended = anchor.parameters();
    for (int i = 0; i < theta.length; i++) {
      assertThat(blended[i]).isCloseTo(0.75 * anchorBefore[i] + 0.25 * theta[i], within(1e-15));
    }
    anchor.moveToward(policy, 1.0);
    assertThat(anchor.parameters()).containsExactly(theta);
    assertThatThrownBy(() -> anchor.moveToward(policy, 1.5)).hasMessageContaining("eta = 1.5");
  }

  @Test
  void saveAndLoadResumeExactly(@TempDir Path dir) {
    OptimizerSettings optimizer = OptimizerSettings.builder().learningRate(0.05).build();
    List<WeightedSequence> batch = List.of(
        WeightedSequence.of(TabularPolicy.prompt(0), space.sequence(2), 1.0),
        WeightedSequence.of(TabularPolicy.prompt(1), space.sequence(30), -0.5));
    TabularPolicy trained = policy(optimizer);
    trained.update(batch);
    trained.save(dir);
    trained.update(batch);
    TabularPolicy resumed = TabularPolicy.random(space, 2, 3.0, 99, optimizer);
    resumed.load(dir);
    assertThat(resumed.steps()).isEqualTo(1);
    resumed.update(batch);
    assertThat(resumed.parameters()).containsExactly(trained.parameters());
    assertThat(resumed.steps()).isEqualTo(2);
  }

  @Test
  void loadRejectsForeignOrMismatchedFiles(@TempDir Path dir) throws Exception {
    TabularPolicy.random(SequenceSpace.of(3, 0, 2), 1, 1, 1, OptimizerSettings.defaults())
        .save(dir);
    TabularPolicy other = policy(OptimizerSettings.defaults());
    assertThatThrownBy(() -> other.load(dir)).isInstanceOf(BondException.class)
        .hasMessageContaining("vocabularySize = 3").hasMessageContaining("contexts = 1");
    Files.write(dir.resolve("tabular-policy.bin"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> other.load(dir)).isInstanceOf(BondException.class);
  }

  @Test
  void rejectsPromptsOutsideTheContexts() {
    TabularPolicy policy = policy(OptimizerSettings.defaults());
    assertThatThrownBy(() -> policy.sample(List.of(TabularPolicy.prompt(2)),
        SamplingSettings.training(3), 1)).hasMessageContaining("prompt.tokens = [2]");
  }
}
